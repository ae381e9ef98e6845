import type { MessagePortMain } from 'electron';
import type { ErrorInfo } from '../protocol/contract.js';
import { IPC_CHANNELS, type EngineControlMessage, type EnginePortNotice } from '../protocol/electronBridge.js';

/** The engine's utility process, as far as handing it ports goes. */
export interface EngineEnd {
  postMessage(message: EngineControlMessage, transfer?: MessagePortMain[]): void;
}

/** A window's webContents, as far as handing it ports goes. */
export interface PageEnd {
  readonly id: number;
  isDestroyed(): boolean;
  postMessage(channel: string, message: unknown, transfer?: MessagePortMain[]): void;
}

/**
 * Gives each page its own MessagePort straight to the engine, so slices and strokes skip the main
 * process. A page's port is made when it asks (at start, and again after a reload, which makes a
 * fresh page with a fresh client); a page that navigates or crashes is dropped at once, so no
 * result meant for the old page can reach the new one. A restarted engine gets fresh ports to
 * every page, with a notice that fails the calls the old engine never answered.
 */
export class EnginePorts {
  private engine: EngineEnd | null = null;
  private readonly pages = new Map<number, PageEnd>();

  constructor(private readonly newChannel: () => { port1: MessagePortMain; port2: MessagePortMain }) {}

  /** A page asked for a port: it gets a fresh one, replacing any it had. */
  connect(page: PageEnd): void {
    this.pages.set(page.id, page);
    this.open(page, null);
  }

  /** The page went away (navigated, crashed or closed): the engine drops its end and cancels its calls. */
  disconnect(id: number): void {
    if (!this.pages.delete(id)) return;
    this.engine?.postMessage({ kind: 'disconnect', client: String(id) });
  }

  /** A new engine runs: every page gets a port to it; `replaces` is why their old calls failed. */
  engineStarted(engine: EngineEnd, replaces: ErrorInfo | null): void {
    this.engine = engine;
    for (const page of this.pages.values()) this.open(page, replaces);
  }

  /** The engine is gone; pages get ports again when one starts. */
  engineStopped(): void {
    this.engine = null;
  }

  /** Pages that hold a port (for the smoke test and diagnostics). */
  get connectedPages(): number[] {
    return [...this.pages.keys()];
  }

  private open(page: PageEnd, replaces: ErrorInfo | null): void {
    if (page.isDestroyed()) {
      this.pages.delete(page.id);
      return;
    }
    if (!this.engine) return;
    const { port1, port2 } = this.newChannel();
    this.engine.postMessage({ kind: 'connect', client: String(page.id) }, [port2]);
    const notice: EnginePortNotice = { replaces };
    page.postMessage(IPC_CHANNELS.enginePort, notice, [port1]);
  }
}
