#!/usr/bin/env node
/** The `membrana` command: batch prediction, training, evaluation and segmentation without the app. */
import { UsageError } from './CliError.js';

interface Command {
  run(argv: string[]): Promise<void>;
  usage: string;
}

/**
 * Each command's module is loaded only when it runs: `membrana predict` on ONNX Runtime then
 * never loads TensorFlow.js (≈ 0.4 s), which train and evaluate need.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  predict: async () => import('./predictCommand.js').then((m) => ({ run: m.predictCommand, usage: m.predictUsage })),
  train: async () => import('./trainCommand.js').then((m) => ({ run: m.trainCommand, usage: m.trainUsage })),
  evaluate: async () => import('./evaluateCommand.js').then((m) => ({ run: m.evaluateCommand, usage: m.evaluateUsage })),
  segment: async () => import('./segmentCommand.js').then((m) => ({ run: m.segmentCommand, usage: m.segmentUsage })),
  mesh: async () => import('./meshCommand.js').then((m) => ({ run: (argv: string[]) => m.meshCommand(argv), usage: m.meshUsage })),
  import: async () => import('./importCommand.js').then((m) => ({ run: m.importCommand, usage: m.importUsage })),
};

const overview = async (): Promise<string> => `Usage: membrana <command> [options]

Commands:
${(await Promise.all(Object.values(COMMANDS).map((load) => load())))
  .map((c) => `  ${c.usage.split('\n')[0]}`)
  .join('\n')}

Run \`membrana <command> --help\` for details. MEMBRANA_EP=cpu|webgpu|cuda|dml|coreml|tfjs picks where prediction runs;
MEMBRANA_BACKEND=node-gpu|webgpu|node|wasm|cpu picks TensorFlow.js's backend (training).`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await overview());
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`membrana: unknown command "${name}".\n\n${await overview()}`);
    return 2;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    await command.run(rest);
    return 0;
  } catch (error) {
    const err = error as Error & { code?: string; hint?: string };
    if (error instanceof UsageError || err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      console.error(`membrana ${name}: ${err.message}\n\n${command.usage}`);
      return 2;
    }
    console.error(`membrana ${name}: ${err.message}${err.hint ? `\n${err.hint}` : ''}`);
    if (!err.code && process.env.MEMBRANA_DEBUG) console.error(err.stack);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
