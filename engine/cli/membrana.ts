#!/usr/bin/env node
/** The `membrana` command: batch prediction, training, evaluation and segmentation without the app. */
import { UsageError } from './CliError.js';
import { evaluateCommand, evaluateUsage } from './evaluateCommand.js';
import { importCommand, importUsage } from './importCommand.js';
import { meshCommand, meshUsage } from './meshCommand.js';
import { predictCommand, predictUsage } from './predictCommand.js';
import { segmentCommand, segmentUsage } from './segmentCommand.js';
import { trainCommand, trainUsage } from './trainCommand.js';

interface Command {
  run(argv: string[]): Promise<void>;
  usage: string;
}

const COMMANDS: Record<string, Command> = {
  predict: { run: predictCommand, usage: predictUsage },
  train: { run: trainCommand, usage: trainUsage },
  evaluate: { run: evaluateCommand, usage: evaluateUsage },
  segment: { run: segmentCommand, usage: segmentUsage },
  mesh: { run: (argv) => meshCommand(argv), usage: meshUsage },
  import: { run: importCommand, usage: importUsage },
};

const overview = `Usage: membrana <command> [options]

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage.split('\n')[0]}`)
  .join('\n')}

Run \`membrana <command> --help\` for details. MEMBRANA_BACKEND=node-gpu|webgpu|node|wasm|cpu picks the compute backend.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(overview);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`membrana: unknown command "${name}".\n\n${overview}`);
    return 2;
  }
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
