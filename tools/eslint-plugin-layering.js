/**
 * local/layering: who may import whom (see ARCHITECTURE.md and engine/README.md). Checks static
 * imports, re-exports, dynamic import() and require() in .ts/.cts/.js/.svelte files by the folder
 * they live in.
 *
 *   engine/    nothing from electron, svelte, three, renderer/ or electron/; inside engine/,
 *              downwards only (ENGINE_TIERS below)
 *   protocol/  only protocol/ itself (no Node built-ins, no libraries): both sides load it
 *   renderer/  only renderer/, protocol/, browser libraries; no engine/, electron/, Node built-ins
 *   electron/  anything but renderer/ and svelte/three
 */
import { builtinModules } from 'node:module';
import path from 'node:path';

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * The engine's folders from the bottom up. A file may import its own folder and the folders of
 * lower tiers, never a folder of its own tier or above: libraries build on base, the service on
 * libraries, the hosts and commands on the service. A test (*.test.ts) may import any folder, as
 * a user of its code would (it may compare a library with another, or take the fuzz cases as
 * fixtures); the testing/ helpers it imports follow the order like any code.
 */
export const ENGINE_TIERS = [
  ['base'], // errors and their wire form, cancellation, durable writes, app root, union-find, random
  ['io', 'review', 'workers'], // reading volumes; correction tiles; worker threads
  ['zarr', 'model', 'metrics', 'mesh'], // OME-Zarr; the network; scores; meshes
  ['segment', 'predict'], // neurons from membranes (uses metrics); prediction (uses model, workers)
  ['train', 'project', 'blocks'], // training; the project folder; block-wise jobs
  ['service'], // serves the contract: sessions, jobs, the volume registry
  ['host', 'cli', 'bench', 'fuzz'], // how the engine is reached and run
];

const ENGINE_TIER = new Map(ENGINE_TIERS.flatMap((folders, tier) => folders.map((folder) => [folder, tier])));

/** For each layer: a test that returns a reason when an import is not allowed. */
const LAYERS = {
  engine: (target, from) =>
    isPackage(target, ['electron', 'svelte', 'three']) ??
    isFolder(target, ['renderer', 'electron']) ??
    (from.isTest ? null : engineOrder(from, target)),
  protocol: (target) =>
    target.kind === 'package' ? `protocol/ must stay free of libraries and Node built-ins ("${target.name}")` : isFolderOutside(target, 'protocol'),
  renderer: (target) =>
    (target.kind === 'package' && NODE_BUILTINS.has(target.name) ? `renderer/ runs in the browser sandbox and cannot use Node's "${target.name}"` : null) ??
    isPackage(target, ['electron']) ??
    isFolder(target, ['engine', 'electron']),
  electron: (target) => isPackage(target, ['svelte', 'three']) ?? isFolder(target, ['renderer']),
};

/** Inside engine/: the target's folder must sit in a lower tier than the importing file's. */
function engineOrder(from, target) {
  if (target.kind !== 'file' || target.layer !== 'engine') return null;
  const source = from.segments[1];
  const folder = target.segments.length > 2 ? target.segments[1] : null;
  if (folder === null) return `engine/${target.segments[1]} is the engine's public face; nothing inside engine/ imports it`;
  if (folder === source) return null;
  const above = ENGINE_TIER.get(source);
  const below = ENGINE_TIER.get(folder);
  // A file in no tier is reported once, as misplaced, not at each import.
  if (above === undefined) return null;
  if (below === undefined) return `engine/${folder}/ is not in the engine's layer order: add it to ENGINE_TIERS in tools/eslint-plugin-layering.js`;
  if (below < above) return null;
  return below === above
    ? `engine/${source}/ and engine/${folder}/ are in the same tier (${ENGINE_TIERS[above].join(', ')}); move what both need down a tier (engine/base/ is the bottom)`
    : `engine/${source}/ (tier ${above}) may import only lower tiers, not engine/${folder}/ (tier ${below}); the tiers, bottom up: ${ENGINE_TIERS.map((tier, k) => `${k} ${tier.join(', ')}`).join('; ')}`;
}

/** A file directly in engine/ (not in a folder) other than the optional index. */
function engineRootFile(from) {
  if (from.segments[0] !== 'engine' || from.segments.length !== 2 || /^index\.[cm]?[jt]s$/.test(from.segments[1])) return null;
  return `engine/ holds only folders (and an optional index.ts): move ${from.segments[1]} into the folder of its tier (engine/README.md)`;
}

/** The engine folder of a file in engine/ that is in no tier. */
function engineUnknownFolder(from) {
  if (from.segments[0] !== 'engine' || from.segments.length < 3 || ENGINE_TIER.has(from.segments[1])) return null;
  return `engine/${from.segments[1]}/ is not in the engine's layer order: add it to ENGINE_TIERS in tools/eslint-plugin-layering.js`;
}

function isPackage(target, names) {
  if (target.kind !== 'package') return null;
  const root = target.name.startsWith('@') ? target.name.split('/').slice(0, 2).join('/') : target.name.split('/')[0];
  return names.includes(root) ? `"${target.name}" may not be imported here` : null;
}

function isFolder(target, folders) {
  if (target.kind !== 'file') return null;
  return folders.includes(target.layer) ? `code in ${target.layer}/ may not be imported here` : null;
}

function isFolderOutside(target, folder) {
  if (target.kind !== 'file') return null;
  return target.layer === folder ? null : `protocol/ may import only protocol/, not ${target.layer}/`;
}

function segmentsOf(file, root) {
  return path.relative(root, file).split(path.sep);
}

function layerOf(file, root) {
  const relative = segmentsOf(file, root);
  return relative[0] && relative.length > 1 ? relative[0] : null;
}

export function createLayeringPlugin(root) {
  const rule = {
    meta: {
      type: 'problem',
      docs: { description: 'Enforce the engine / protocol / renderer / electron layering.' },
      schema: [],
      messages: {
        forbidden: 'Layering: {{from}}/ imports "{{source}}": {{reason}}.',
        misplaced: 'Layering: {{reason}}.',
      },
    },
    create(context) {
      const file = context.filename;
      // Build and test configs (vite.config.ts, ...) run in Node, whatever folder they sit in.
      if (/\.config\.[cm]?[jt]s$/.test(file)) return {};
      const from = layerOf(file, root);
      const check = from ? LAYERS[from] : undefined;
      if (!check) return {};
      const importer = { segments: segmentsOf(file, root), isTest: /\.test\.[cm]?ts$/.test(file) };
      const misplaced = engineRootFile(importer) ?? engineUnknownFolder(importer);
      function verify(node, source) {
        if (typeof source !== 'string') return;
        let target;
        if (source.startsWith('.') || source.startsWith('/')) {
          const resolved = path.resolve(path.dirname(file), source);
          target = { kind: 'file', layer: layerOf(resolved, root) ?? '(project root)', segments: segmentsOf(resolved, root) };
        } else {
          target = { kind: 'package', name: source };
        }
        // Tests may use the test runner wherever they sit.
        const isTestRunner = target.kind === 'package' && target.name === 'vitest' && /\.test\.[cm]?ts$/.test(file);
        const reason = isTestRunner ? null : check(target, importer);
        if (reason) context.report({ node, messageId: 'forbidden', data: { from, source, reason } });
      }
      return {
        ...(misplaced ? { Program: (node) => context.report({ node, messageId: 'misplaced', data: { reason: misplaced } }) } : {}),
        ImportDeclaration: (node) => verify(node, node.source.value),
        ExportNamedDeclaration: (node) => node.source && verify(node, node.source.value),
        ExportAllDeclaration: (node) => verify(node, node.source.value),
        ImportExpression: (node) => node.source.type === 'Literal' && verify(node, node.source.value),
        TSImportEqualsDeclaration: (node) =>
          node.moduleReference.type === 'TSExternalModuleReference' && verify(node, node.moduleReference.expression.value),
        CallExpression: (node) => {
          if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
            verify(node, node.arguments[0].value);
          }
        },
      };
    },
  };
  return { rules: { layering: rule } };
}
