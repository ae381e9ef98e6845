/**
 * Packaging (electron-builder): `npm run dist:linux` (AppImage + deb), `dist:win` (NSIS),
 * `dist:mac` (dmg, on a Mac), `dist` for this machine's platform. Compiled by `npm run build:node`
 * to build/electron.config.js, which those scripts pass to electron-builder. It cannot run on a
 * machine that cannot download the Electron binary.
 */
import type { Configuration } from 'electron-builder';

type Target = 'linux' | 'win32' | 'darwin';

const ONNX_BINARIES = 'node_modules/onnxruntime-node/bin/napi-v6';

/**
 * Native add-ons that must not go into another platform's package. tfjs-node(-gpu) hold a binding
 * compiled and a libtensorflow downloaded for the machine that ran `npm install`: they are packed
 * only for that machine's own platform (elsewhere the engine falls back to WebAssembly). webgpu
 * ships Dawn for every platform in dist/<platform>-<arch>; each package keeps its own.
 * onnxruntime-node carries every platform's binaries in bin/napi-v6/<platform>/<arch> (≈ 45 MB
 * each): each package keeps its own platform's, for the architecture it is built for (${arch},
 * expanded by electron-builder; a universal macOS build keeps both). Its CUDA and TensorRT
 * providers, where an install step fetched them, stay out (hundreds of MB, and they need CUDA
 * itself); the CPU, WebGPU, DirectML and CoreML providers are inside the main library.
 */
function foreignNativeFiles(target: Target): string[] {
  const excluded: string[] = [];
  if (target !== process.platform) excluded.push('!node_modules/@tensorflow/tfjs-node/**', '!node_modules/@tensorflow/tfjs-node-gpu/**');
  for (const other of (['linux', 'win32', 'darwin'] as const).filter((platform) => platform !== target)) {
    excluded.push(`!node_modules/webgpu/dist/${other}-*/**`, `!${ONNX_BINARIES}/${other}/**`);
  }
  if (target !== 'darwin') excluded.push(`!${ONNX_BINARIES}/${target}/!(\${arch})/**`);
  excluded.push(`!${ONNX_BINARIES}/*/*/*onnxruntime_providers_{cuda,tensorrt,shared}*`);
  return excluded;
}

const config: Configuration = {
  appId: 'org.membrana.app',
  productName: 'Membrana',
  copyright: 'Copyright © 2026 the Membrana authors',
  directories: { output: 'dist', buildResources: 'assets/build' },
  files: ['build/**/*', '!build/**/*.map', '!build/electron.config.js', 'assets/**/*', 'package.json', '!**/*.test.*'],
  asar: true,
  // The engine reads the sample through plain fs; keep assets outside the archive. Native
  // libraries (ONNX Runtime's binding and libonnxruntime, Dawn's webgpu.node) cannot be loaded
  // from inside an asar archive: they are unpacked beside it.
  asarUnpack: ['assets/**/*', '**/*.node', '**/*.so', '**/*.so.*', '**/*.dylib', '**/*.dll'],
  extraMetadata: { main: 'build/electron/main.js' },
  // Native modules come prebuilt (onnxruntime-node) or built for this machine at install
  // (tfjs-node); rebuilding needs the network and cannot target another platform.
  npmRebuild: false,
  // mimeType: Linux registers the association (and the desktop file's %U) only with one.
  fileAssociations: [{ ext: ['tif', 'tiff'], name: 'TIFF stack', role: 'Viewer', mimeType: 'image/tiff' }],
  linux: { target: ['AppImage', 'deb'], category: 'Science', maintainer: 'Membrana authors', files: foreignNativeFiles('linux') },
  win: { target: ['nsis'], files: foreignNativeFiles('win32') },
  mac: { target: ['dmg'], category: 'public.app-category.medical', hardenedRuntime: true, files: foreignNativeFiles('darwin') },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true },
};

export default config;
