/**
 * Packaging for `npm run dist` (electron-builder): Linux AppImage + deb, Windows NSIS, macOS dmg.
 * Compiled by `npm run build:node` to build/electron.config.js, which `npm run dist` passes to
 * electron-builder. It cannot run on a machine that cannot download the Electron binary.
 */
import type { Configuration } from 'electron-builder';

const config: Configuration = {
  appId: 'org.membrana.app',
  productName: 'Membrana',
  copyright: 'Copyright © 2026 the Membrana authors',
  directories: { output: 'dist', buildResources: 'assets/build' },
  files: ['build/**/*', '!build/**/*.map', '!build/electron.config.js', 'assets/**/*', 'package.json', '!**/*.test.*'],
  asar: true,
  // The engine reads the sample through plain fs; keep assets outside the archive.
  asarUnpack: ['assets/**/*'],
  extraMetadata: { main: 'build/electron/main.js' },
  fileAssociations: [{ ext: ['tif', 'tiff'], name: 'TIFF stack', role: 'Viewer' }],
  linux: { target: ['AppImage', 'deb'], category: 'Science', maintainer: 'Membrana authors' },
  win: { target: ['nsis'] },
  mac: { target: ['dmg'], category: 'public.app-category.medical', hardenedRuntime: true },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true },
};

export default config;
