import type { BackendInfo, CallOptions, EngineInfo, FilePayload, MenuCommand, Progress, ProjectInfo, RecentProject, VolumeInfo } from '../../../protocol/contract.js';
import { connectEngine, type EngineConnection } from './connectEngine.js';
import { DisplayWindow } from './DisplayWindow.svelte.js';
import { ProjectSession } from './project/ProjectSession.svelte.js';
import { describePayloads } from './readDroppedFiles.js';
import { SliceStore } from './SliceStore.svelte.js';
import { TileStore } from './TileStore.svelte.js';
import { Viewport, type Point } from './Viewport.svelte.js';

/** How far the app got reaching the engine. */
export type Phase = 'connecting' | 'ready' | 'unreachable' | 'disconnected';

/** An error as the banner shows it: what failed, with which file, and what to do. */
export interface UserError {
  title: string;
  message: string;
  hint?: string;
  code?: string;
  /** The slice the error is about (a fill that would leak there): it goes when the user moves to another slice. */
  slice?: number;
}

/** An open in progress: what is opening and how far along the engine says it is. */
export interface Opening {
  label: string;
  progress: Progress | null;
}

/**
 * The app's state: the engine connection, the open volume with its slices, contrast window
 * and view, the file being opened and the last error. Components read it and call its methods;
 * it owns every subscription it makes and releases them in dispose().
 */
export class Workspace {
  readonly slices: SliceStore;
  /** Tiles of a lazily read volume (OME-Zarr), at the scale the view shows. */
  readonly tiles: TileStore;
  /** Tiles of the label image shown over the volume (a segmentation), if one is open. */
  readonly labelTiles: TileStore;
  /** Show the label image (Shift+I toggles). */
  labelsVisible = $state(true);
  /** How strongly the label colours cover the image, 0–1. */
  labelsOpacity = $state(0.45);
  readonly window = new DisplayWindow();
  readonly viewport = new Viewport();
  readonly #connect: () => Promise<EngineConnection>;
  #connection: EngineConnection | null = null;
  #openController: AbortController | null = null;
  #disposers: (() => void)[] = [];
  #disposed = false;
  #phase = $state<Phase>('connecting');
  #unreachableMessage = $state('');
  #engineInfo = $state.raw<EngineInfo | null>(null);
  #backend = $state.raw<BackendInfo | null>(null);
  #opening = $state.raw<Opening | null>(null);
  #error = $state.raw<UserError | null>(null);
  /** Image coordinates under the mouse, or null when it is off the image. */
  #cursor = $state.raw<Point | null>(null);
  #project = $state.raw<ProjectSession | null>(null);
  #menuHandler: ((command: MenuCommand) => void) | null = null;
  #labels = $state.raw<VolumeInfo | null>(null);
  #labelsRequest = 0;

  constructor(connect: () => Promise<EngineConnection> = connectEngine) {
    this.#connect = connect;
    this.slices = new SliceStore(
      {
        getSlice: (args, options) => this.#engine().getSlice(args, options),
      },
      undefined,
      (z) => {
        // An error about one slice does not follow the user to the next.
        if (this.#error?.slice !== undefined && this.#error.slice !== z) this.#error = null;
      },
    );
    this.tiles = new TileStore({
      getTile: (args, options) => this.#engine().getTile(args, options),
    });
    this.labelTiles = new TileStore({ getTile: (args, options) => this.#engine().getTile(args, options) }, 'labels', 256);
  }

  /** The label image open over the volume, or null. */
  get labels(): VolumeInfo | null {
    return this.#labels;
  }

  /**
   * Opens a label image over the open volume: the folder of a segmentation (`membrana segment …
   * -o neurons.ome.zarr`) or the name of one of the volume's own labels. It replaces the one open.
   */
  async openLabels(path: string): Promise<void> {
    const volume = this.volume;
    if (!volume) {
      this.reportError({ title: 'No volume to show labels over', message: 'Open the image volume first, then its labels.' });
      return;
    }
    // Opening labels reads metadata only: no progress of its own, and it leaves an open of a
    // volume in progress alone. The latest request wins if two overlap.
    const request = ++this.#labelsRequest;
    try {
      const labels = await this.#engine().openLabels({ volumeId: volume.id, path });
      if (this.#disposed || this.volume?.id !== volume.id || request !== this.#labelsRequest) {
        this.#close(labels);
        return;
      }
      this.closeLabels();
      this.#labels = labels;
      this.labelTiles.setVolume(labels);
      this.labelsVisible = true;
      this.#error = null;
    } catch (error) {
      if (request === this.#labelsRequest) this.#error = describeError(error, `Could not open the labels ${path}`);
    }
  }

  closeLabels(): void {
    const labels = this.#labels;
    if (!labels) return;
    this.#labels = null;
    this.labelTiles.setVolume(null);
    this.#close(labels);
  }

  get phase(): Phase {
    return this.#phase;
  }
  get unreachableMessage(): string {
    return this.#unreachableMessage;
  }
  get engineInfo(): EngineInfo | null {
    return this.#engineInfo;
  }
  /** The engine's compute backend, once it has started (null until then, or if it could not). */
  get backend(): BackendInfo | null {
    return this.#backend;
  }
  get opening(): Opening | null {
    return this.#opening;
  }
  get error(): UserError | null {
    return this.#error;
  }
  get cursor(): Point | null {
    return this.#cursor;
  }
  get volume(): VolumeInfo | null {
    return this.slices.volume;
  }
  /** The open project, or null when a plain stack (or nothing) is open. */
  get project(): ProjectSession | null {
    return this.#project;
  }
  /** True in the desktop app, where File › Open is the native dialog. */
  get hasNativeDialogs(): boolean {
    return (this.#connection?.bridge ?? null) !== null;
  }

  /** Connects, greets the engine, and opens the startup path or else the built-in sample. */
  async start(): Promise<void> {
    try {
      this.#connection = await this.#connect();
      this.#engineInfo = await this.#connection.engine.hello({});
    } catch (error) {
      if (this.#disposed) return;
      this.#unreachableMessage = (error as Error).message;
      this.#phase = 'unreachable';
      return;
    }
    if (this.#disposed) return;
    this.#phase = 'ready';
    this.#disposers.push(
      this.#connection.onDisconnect((reason) => {
        this.#unreachableMessage = reason;
        this.#phase = 'disconnected';
      }),
    );
    const bridge = this.#connection.bridge;
    if (bridge) {
      this.#disposers.push(bridge.onOpenPath((path) => void this.openPath(path)));
      this.#disposers.push(bridge.onMenu((command) => this.#menuHandler?.(command)));
    }
    const startupPath = this.#engineInfo.startupPath;
    const lastProject = readLastProject();
    if (startupPath) await this.openPath(startupPath);
    else if (lastProject) {
      // Pick up where the user left off; if the folder is gone, say so and show the sample.
      await this.openProject(lastProject);
      if (!this.#project) {
        const error = this.#error;
        writeLastProject(null);
        await this.openSample();
        if (error) this.#error = error;
      }
    } else await this.openSample();
    // After the first image is up, so starting the network's backend never delays it.
    this.#engine()
      .backend({})
      .then(
        (info) => (this.#backend = info),
        (error: Error) => console.warn(`The engine's compute backend did not start: ${error.message}`),
      );
  }

  openSample(): Promise<void> {
    return this.#open('the sample', (options) => this.#engine().openSample({}, options));
  }

  openPath(path: string): Promise<void> {
    const name = path.replace(/[/\\]+$/, '').split(/[/\\]/).pop() || path;
    return this.#open(name, (options) => this.#engine().openPath({ path }, options));
  }

  openFiles(files: FilePayload[]): Promise<void> {
    if (files.length === 0) {
      this.reportError({ title: 'Nothing to open', message: 'No files were dropped or chosen (hidden files are skipped).' });
      return Promise.resolve();
    }
    return this.#open(describePayloads(files), (options) => this.#engine().openFiles({ files }, options));
  }

  /** Desktop: the native dialog, then open the chosen path. Returns false where there is none (browser). */
  async showNativeOpenDialog(): Promise<boolean> {
    const bridge = this.#connection?.bridge;
    if (!bridge) return false;
    const path = await bridge.showOpenDialog();
    if (path) await this.openPath(path);
    return true;
  }

  /** Desktop: a folder dialog for a label image to show over the open volume. */
  async showNativeLabelsDialog(): Promise<void> {
    const bridge = this.#connection?.bridge;
    if (!bridge) return;
    try {
      const path = await bridge.showOpenDialog('folder');
      if (path) await this.openLabels(path);
    } catch (error) {
      this.#error = describeError(error, 'Could not show the Open dialog');
    }
  }

  /** Stops the open in progress; the current volume stays. */
  cancelOpening(): void {
    this.#openController?.abort();
    this.#openController = null;
    this.#opening = null;
  }

  /** Marks that files are being read in the UI before they go to the engine. */
  setReading(label: string | null): void {
    this.#opening = label ? { label, progress: { stage: 'Reading files', fraction: null } } : null;
  }

  /** Who carries out the desktop menu's commands (the app view, which owns the dialogs). */
  setMenuHandler(handler: ((command: MenuCommand) => void) | null): void {
    this.#menuHandler = handler;
  }

  /** Makes a project folder `dir` from the open stack and opens it. */
  newProject(dir: string, name?: string): Promise<void> {
    const volume = this.volume;
    if (!volume) {
      this.reportError({ title: 'No image to make a project from', message: 'Open an image stack first, then make a project from it.' });
      return Promise.resolve();
    }
    return this.#openProject(`project ${name || dir}`, (options) => this.#engine().newProject({ volumeId: volume.id, dir, ...(name ? { name } : {}) }, options));
  }

  openProject(dir: string): Promise<void> {
    return this.#openProject(`project ${dir}`, (options) => this.#engine().openProject({ dir }, options));
  }

  recentProjects(): Promise<RecentProject[]> {
    return this.#engine().recentProjects({});
  }

  /**
   * Goes to the place to check of this rank (0 = least certain) in the open project: its slice,
   * with the region framed in context (Viewport.showRegion); the viewer outlines it.
   */
  showReview(index: number): void {
    const tile = this.#project?.selectReview(index);
    if (!tile) return;
    this.slices.setZ(tile.z);
    this.viewport.showRegion(tile.x, tile.y, tile.width, tile.height);
  }

  /** The next (N) or previous (Shift+N) place to check, cycling through the ranking. */
  stepReview(delta: 1 | -1): void {
    const project = this.#project;
    const count = project?.review.length ?? 0;
    if (!project || count === 0) return;
    this.showReview((project.reviewIndex + delta + count) % count);
  }

  reportError(error: UserError): void {
    this.#error = error;
  }

  dismissError(): void {
    this.#error = null;
  }

  setCursor(point: Point | null): void {
    this.#cursor = point;
  }

  dispose(): void {
    this.#disposed = true;
    this.#project?.close();
    this.#openController?.abort();
    this.slices.dispose();
    this.tiles.dispose();
    this.labelTiles.dispose();
    for (const dispose of this.#disposers.splice(0)) dispose();
  }

  #engine(): EngineConnection['engine'] {
    if (!this.#connection) throw new Error('The engine is not connected yet.');
    return this.#connection.engine;
  }

  async #openProject(label: string, call: (options: CallOptions) => Promise<ProjectInfo>): Promise<void> {
    this.#opening = { label, progress: null };
    try {
      const info = await call({ onProgress: (progress) => (this.#opening = { label, progress }) });
      if (this.#disposed) return;
      const previousVolume = this.slices.volume;
      // Reopening the open project keeps it open in the engine; another one replaces it.
      if (this.#project && this.#project.info.id !== info.id) this.#project.close();
      const session = new ProjectSession(info, () => this.#engine(), (title, error) => (this.#error = describeError(error, title)));
      this.#project = session;
      writeLastProject(info.dir);
      if (previousVolume?.id !== info.volume.id) {
        this.#show(info.volume);
        if (previousVolume) this.#close(previousVolume);
      }
      this.#error = info.repaired ? { title: 'Recovered after a crash', message: info.repaired } : null;
      void session.evaluate();
      void session.refreshReview();
    } catch (error) {
      this.#error = describeOpenError(error, label);
    } finally {
      this.#opening = null;
    }
  }

  /** One open at a time: a newer open cancels an older one; a failure leaves the current volume open. */
  async #open(label: string, call: (options: CallOptions) => Promise<VolumeInfo>): Promise<void> {
    this.#openController?.abort();
    const controller = new AbortController();
    this.#openController = controller;
    this.#opening = { label, progress: null };
    const current = (): boolean => this.#openController === controller && !this.#disposed;
    try {
      const volume = await call({
        signal: controller.signal,
        onProgress: (progress) => {
          if (current()) this.#opening = { label, progress };
        },
      });
      if (!current()) {
        this.#close(volume);
        return;
      }
      const previous = this.slices.volume;
      // Opening a plain stack leaves the project (its volume is the project's).
      this.#project?.close();
      this.#project = null;
      writeLastProject(null);
      this.#show(volume);
      this.#error = null;
      if (previous && previous.id !== volume.id) this.#close(previous);
    } catch (error) {
      if (!current() || (error as { code?: string }).code === 'CANCELLED') return;
      this.#error = describeOpenError(error, label);
    } finally {
      if (this.#openController === controller) {
        this.#openController = null;
        this.#opening = null;
      }
    }
  }

  #show(volume: VolumeInfo): void {
    // Labels belong to the volume they were opened over.
    if (this.#labels && this.slices.volume?.id !== volume.id) this.closeLabels();
    this.slices.setVolume(volume);
    this.tiles.setVolume(volume);
    this.window.setVolume(volume);
    this.viewport.setImageSize(volume.width, volume.height);
    this.#cursor = null;
  }

  #close(volume: VolumeInfo): void {
    this.#connection?.engine.closeVolume({ volumeId: volume.id }).catch(() => {});
  }
}

const LAST_PROJECT_KEY = 'membrana:last-project';

/** The project open when the app was last used, to reopen at start (null in tests without storage). */
function readLastProject(): string | null {
  try {
    return globalThis.localStorage?.getItem(LAST_PROJECT_KEY) ?? null;
  } catch {
    return null;
  }
}

function writeLastProject(dir: string | null): void {
  try {
    if (dir === null) globalThis.localStorage?.removeItem(LAST_PROJECT_KEY);
    else globalThis.localStorage?.setItem(LAST_PROJECT_KEY, dir);
  } catch {
    // Storage may be disabled; reopening the last project is a convenience.
  }
}

/** Any error as the banner shows it, under a title saying what failed. */
export function describeError(error: unknown, title: string): UserError {
  const e = error as { message?: string; code?: string; hint?: string };
  return { title, message: e.message ?? String(error), ...(e.hint ? { hint: e.hint } : {}), ...(e.code ? { code: e.code } : {}) };
}

/** An EngineError (or any error) as the banner shows it, naming the file. */
export function describeOpenError(error: unknown, label: string): UserError {
  const e = error as { message?: string; code?: string; file?: string; hint?: string };
  const file = e.file ?? label;
  return {
    title: `Could not open ${file}`,
    message: e.message ?? String(error),
    ...(e.hint ? { hint: e.hint } : {}),
    ...(e.code ? { code: e.code } : {}),
  };
}
