/**
 * local/layering: who may import whom (see DESIGN.md). Checks static imports, re-exports,
 * dynamic import() and require() in .ts/.cts/.js/.svelte files by the folder they live in.
 *
 *   engine/    nothing from electron, svelte, three, renderer/ or electron/
 *   protocol/  only protocol/ itself (no Node built-ins, no libraries): both sides load it
 *   renderer/  only renderer/, protocol/, browser libraries; no engine/, electron/, Node built-ins
 *   electron/  anything but renderer/ and svelte/three
 */
import { builtinModules } from 'node:module';
import path from 'node:path';

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** For each layer: a test that returns a reason when an import is not allowed. */
const LAYERS = {
  engine: (target) =>
    isPackage(target, ['electron', 'svelte', 'three']) ??
    isFolder(target, ['renderer', 'electron']),
  protocol: (target) =>
    target.kind === 'package' ? `protocol/ must stay free of libraries and Node built-ins ("${target.name}")` : isFolderOutside(target, 'protocol'),
  renderer: (target) =>
    (target.kind === 'package' && NODE_BUILTINS.has(target.name) ? `renderer/ runs in the browser sandbox and cannot use Node's "${target.name}"` : null) ??
    isPackage(target, ['electron']) ??
    isFolder(target, ['engine', 'electron']),
  electron: (target) => isPackage(target, ['svelte', 'three']) ?? isFolder(target, ['renderer']),
};

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

function layerOf(file, root) {
  const relative = path.relative(root, file).split(path.sep);
  return relative[0] && relative.length > 1 ? relative[0] : null;
}

export function createLayeringPlugin(root) {
  const rule = {
    meta: {
      type: 'problem',
      docs: { description: 'Enforce the engine / protocol / renderer / electron layering.' },
      schema: [],
      messages: { forbidden: 'Layering: {{from}}/ imports "{{source}}": {{reason}}.' },
    },
    create(context) {
      const file = context.filename;
      // Build and test configs (vite.config.ts, ...) run in Node, whatever folder they sit in.
      if (/\.config\.[cm]?[jt]s$/.test(file)) return {};
      const from = layerOf(file, root);
      const check = from ? LAYERS[from] : undefined;
      if (!check) return {};
      function verify(node, source) {
        if (typeof source !== 'string') return;
        let target;
        if (source.startsWith('.') || source.startsWith('/')) {
          const resolved = path.resolve(path.dirname(file), source);
          target = { kind: 'file', layer: layerOf(resolved, root) ?? '(project root)' };
        } else {
          target = { kind: 'package', name: source };
        }
        // Tests may use the test runner wherever they sit.
        const isTestRunner = target.kind === 'package' && target.name === 'vitest' && /\.test\.[cm]?ts$/.test(file);
        const reason = isTestRunner ? null : check(target);
        if (reason) context.report({ node, messageId: 'forbidden', data: { from, source, reason } });
      }
      return {
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
