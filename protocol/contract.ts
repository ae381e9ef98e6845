/**
 * The one contract between the UI and the engine. Every call and event is declared here once;
 * the Electron main process, the preload bridge, the serve-mode WebSocket host and the renderer's
 * client are all typed from these declarations. Nothing here depends on Node, Electron or the DOM.
 */

export * from './vocabulary.js';
export * from './volumes.js';
export * from './app.js';
export * from './projects.js';
export * from './jobs.js';
export * from './models.js';
export * from './neurons.js';
export * from './calls.js';
export * from './rpc.js';

/** The desktop bridge (Electron channel names, menu commands) lives in electronBridge.ts. */
export type { MenuCommand, OpenDialogKind } from './electronBridge.js';
