import type { BackendInfo, CallOptions, EngineInfo, FilePayload, MenuCommand, Progress, ProjectInfo, RecentProject, VolumeInfo } from '../../../protocol/contract.js';
import { connectEngine, type EngineConnection } from './connectEngine.js';
import { DisplayWindow } from './DisplayWindow.svelte.js';
import { ProjectSession } from './project/ProjectSession.svelte.js';
import { describePayloads } from './readDroppedFiles.js';
import { SliceStore } from './SliceStore.svelte.js';
import { TileStore } from './TileStore.svelte.js';
import { describeError, describeOpenError, forBrowser, type UserError } from './userError.js';
import { Viewport, type Point } from './Viewport.svelte.js';
import { diagnosticsText, pageFacts } from './diagnosticsText.js';
import { uiLog } from './uiLog.js';

export type { UserError } from './userError.js';

/** How far the app got reaching the engine. */
export type Phase = 'connecting' | 'ready' | 'unreachable' | 'disconnected';

/** An open in progress: what is opening and how far along the engine says it is. */
export interface Opening {
  label: string;
  progress: Progress | null;
}

/** A stack waiting to open until the user agrees to close the open project (confirmOpen, cancelOpen). */
export interface PendingOpen {
  /** What would open: a file name, or "3 files". */
  label: string;
  /** The project it would close. */
  project: string;
  /** The project's running job that closing it would stop, if any ("Predicting slices 0–15"). */
  job: string | null;
}

/** The folder name of the projects "Try the sample" makes in the engine's projects folder (then -2, -3, …). */
export const SAMPLE_PROJECT_FOLDER = 'isbi2012-sample';
/** The most numbered sample folders tried before giving up (each try is one quick call). */
const SAMPLE_PROJECT_TRIES = 100;

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
  /** True until start() has opened what the app starts with (the startup path, the last project). */
  #starting = $state(true);
  #recent = $state.raw<RecentProject[]>([]);
  #makingSample = $state(false);
  #pendingOpen = $state.raw<(PendingOpen & { run: () => Promise<void>; done: () => void }) | null>(null);

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
  /** True while the app opens what it starts with; the start screen waits for it. */
  get starting(): boolean {
    return this.#starting;
  }
  /** The projects the user opened before, newest first (refreshRecent loads them). */
  get recent(): RecentProject[] {
    return this.#recent;
  }
  /** True while "Try the sample" makes its project. */
  get makingSample(): boolean {
    return this.#makingSample;
  }
  /** A stack that opens once the user agrees to close the open project, or null. */
  get pendingOpen(): PendingOpen | null {
    const pending = this.#pendingOpen;
    return pending && { label: pending.label, project: pending.project, job: pending.job };
  }

  /**
   * Connects, greets the engine, and opens the startup path or else the last project. With
   * neither (or when the last project is gone) nothing opens: the start screen offers the rest.
   */
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
    // The engine's warnings and errors, kept for Help › Copy diagnostics when the engine can no longer be asked.
    this.#disposers.push(this.#connection.engine.on('log', (entry) => uiLog.engine(entry)));
    const bridge = this.#connection.bridge;
    if (bridge) {
      this.#disposers.push(bridge.onOpenPath((path) => void this.openPath(path)));
      this.#disposers.push(bridge.onMenu((command) => this.#menuHandler?.(command)));
    }
    const startupPath = this.#engineInfo.startupPath;
    const lastProject = readLastProject();
    if (startupPath) await this.openPath(startupPath);
    else if (lastProject) {
      // Pick up where the user left off; if the folder is gone, the banner says so over the start screen.
      await this.openProject(lastProject);
      if (!this.#project) writeLastProject(null);
    }
    if (!this.volume) await this.refreshRecent();
    this.#starting = false;
    // After the first image is up, so starting the network's backend never delays it.
    this.#engine()
      .backend({})
      .then(
        (info) => (this.#backend = info),
        (error: Error) => uiLog.warn(`The engine's compute backend did not start: ${error.message}`),
      );
  }

  /** Help › Copy diagnostics: the report as text (the engine's own, or why it could not be asked). */
  diagnostics(): Promise<string> {
    return diagnosticsText(this.#connection?.engine ?? null, pageFacts(this.#connection?.host ?? null));
  }

  /** Opens a stack by its path on the engine's machine; with a project open, once the user agrees to close it. */
  openPath(path: string): Promise<void> {
    const name = path.replace(/[/\\]+$/, '').split(/[/\\]/).pop() || path;
    return this.#afterConfirm(name, () => this.#open(name, (options) => this.#engine().openPath({ path }, options)));
  }

  openFiles(files: FilePayload[]): Promise<void> {
    if (files.length === 0) {
      this.reportError({ title: 'Nothing to open', message: 'No files were dropped or chosen (hidden files are skipped).' });
      return Promise.resolve();
    }
    const label = describePayloads(files);
    return this.#afterConfirm(label, () => this.#open(label, (options) => this.#engine().openFiles({ files }, options)));
  }

  /** Closes the open project and opens the stack that waited for the user's yes. */
  confirmOpen(): Promise<void> {
    const pending = this.#pendingOpen;
    if (!pending) return Promise.resolve();
    this.#pendingOpen = null;
    return pending.run().finally(pending.done);
  }

  /** Keeps the project open: the stack that waited does not open. */
  cancelOpen(): void {
    const pending = this.#pendingOpen;
    this.#pendingOpen = null;
    pending?.done();
  }

  /**
   * "Try the sample": opens the built-in sample and makes a project of it in the engine's
   * projects folder (isbi2012-sample, then -2, -3, … whichever is free, so trying again never
   * collides), and opens that: the user lands in a project, ready to predict.
   */
  async trySample(): Promise<void> {
    const info = this.#engineInfo;
    if (this.#makingSample || !info) return;
    this.#makingSample = true;
    const label = 'the sample';
    this.#opening = { label, progress: null };
    let sample: VolumeInfo | null = null;
    try {
      sample = await this.#engine().openSample({}, { onProgress: (progress) => (this.#opening = { label, progress }) });
      const volumeId = sample.id;
      for (let n = 1; n <= SAMPLE_PROJECT_TRIES; n++) {
        const dir = `${info.projectsDir.replace(/[/\\]+$/, '')}/${SAMPLE_PROJECT_FOLDER}${n === 1 ? '' : `-${n}`}`;
        const name = n === 1 ? 'ISBI 2012 sample' : `ISBI 2012 sample ${n}`;
        const error = await this.#openProject(`the sample project ${name}`, (options) => this.#engine().newProject({ volumeId, dir, name }, options), ['PROJECT_EXISTS']);
        if (error === null) return;
      }
      this.#error = {
        title: 'Could not make the sample project',
        message: `${info.projectsDir} already holds ${SAMPLE_PROJECT_TRIES} sample projects.`,
        hint: 'Open one of them with Open project…, or delete those you no longer need.',
      };
    } catch (error) {
      this.#error = describeOpenError(error, label);
    } finally {
      // The project holds its own copy of the image.
      if (sample) this.#close(sample);
      this.#opening = null;
      this.#makingSample = false;
    }
  }

  /** Loads the list of recent projects (a failure leaves the list as it was: it is a convenience). */
  async refreshRecent(): Promise<void> {
    try {
      this.#recent = await this.#engine().recentProjects({});
    } catch (error) {
      uiLog.warn(`Could not read the recent projects: ${(error as Error).message}`);
    }
  }

  /** Takes a project off the recent list; its folder is left alone. */
  async forgetRecent(dir: string): Promise<void> {
    try {
      this.#recent = await this.#engine().forgetRecentProject({ dir });
    } catch (error) {
      this.#error = describeError(error, `Could not take ${dir} off the recent projects`);
    }
  }

  /** Desktop: the native dialog, then open the chosen path (asking first to close a project). Returns false where there is none (browser). */
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
    return this.#openProject(`project ${name || dir}`, (options) => this.#engine().newProject({ volumeId: volume.id, dir, ...(name ? { name } : {}) }, options)).then(() => undefined);
  }

  async openProject(dir: string): Promise<void> {
    const error = await this.#openProject(`project ${dir}`, (options) => this.#engine().openProject({ dir }, options));
    // A project that failed to open may be one whose folder went: the list shows it as missing.
    if (error !== null && !this.volume) await this.refreshRecent();
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
    this.cancelOpen();
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

  /**
   * Opens (or makes) a project and shows it. Returns null, or the error: shown in the banner
   * unless its code is one of `quiet` (the caller handles those).
   */
  async #openProject(label: string, call: (options: CallOptions) => Promise<ProjectInfo>, quiet: string[] = []): Promise<unknown> {
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
      return null;
    } catch (error) {
      if (!quiet.includes((error as { code?: string }).code ?? '')) this.#error = describeOpenError(error, label);
      return error;
    } finally {
      this.#opening = null;
    }
  }

  /**
   * Runs `open` at once when no project is open; otherwise keeps it as pendingOpen until the
   * user agrees to close the project (confirmOpen) or not (cancelOpen). Resolves when done either way.
   */
  #afterConfirm(label: string, open: () => Promise<void>): Promise<void> {
    const project = this.#project;
    if (!project) return open();
    this.cancelOpen();
    return new Promise<void>((done) => {
      this.#pendingOpen = { label, project: project.info.name, job: project.job?.label ?? null, run: open, done };
    });
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
      const described = describeOpenError(error, label);
      this.#error = this.hasNativeDialogs ? described : forBrowser(described);
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
    // Closing frees the engine's memory; a failure leaves the volume open there, which a warning is enough for.
    this.#connection?.engine.closeVolume({ volumeId: volume.id }).catch((error: Error) => uiLog.warn(`Could not close ${volume.name} in the engine: ${error.message}`));
  }
}

const LAST_PROJECT_KEY = 'membrana:last-project';

/** The project open when the app was last used, to reopen at start (null in tests without storage). */
function readLastProject(): string | null {
  try {
    return globalThis.localStorage?.getItem(LAST_PROJECT_KEY) ?? null;
  } catch {
    // Storage may be disabled; then there is no last project to reopen.
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
