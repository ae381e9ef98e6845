/** The part of Electron's UtilityProcess the supervisor needs. */
export interface EngineProcess {
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface SupervisorEvents<P extends EngineProcess> {
  /** A fresh engine runs; `restart` says why when it replaces one that stopped. */
  started(engine: P, restart: { code: number; attempt: number } | null): void;
  /** The engine stopped; it will be started again in `retryInMs`, or never (null). */
  stopped(code: number, retryInMs: number | null): void;
  /** The engine kept stopping and is not restarted any more; `message` is for the user. */
  gaveUp(message: string): void;
}

export interface SupervisorOptions<P extends EngineProcess> extends SupervisorEvents<P> {
  fork(): P;
  /** Wait before each restart in a row; one more stop than there are entries gives up. */
  delaysMs?: readonly number[];
  /** An engine that ran this long before stopping was healthy: the count of restarts starts over. */
  healthyAfterMs?: number;
}

export const RESTART_DELAYS_MS: readonly number[] = [250, 1000, 4000];
export const HEALTHY_AFTER_MS = 60_000;

/**
 * Keeps the desktop app's engine running: an engine that stops is started again after a growing
 * wait, and after a few stops in a row it is left stopped with a message saying so. A broken
 * install (an engine that fails at import) must not be forked again and again for ever.
 */
export class EngineSupervisor<P extends EngineProcess> {
  private engine: P | null = null;
  private startedAt = 0;
  private restarts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopping = false;
  private gaveUp = false;
  private readonly delays: readonly number[];
  private readonly healthyAfterMs: number;

  constructor(private readonly options: SupervisorOptions<P>) {
    this.delays = options.delaysMs ?? RESTART_DELAYS_MS;
    this.healthyAfterMs = options.healthyAfterMs ?? HEALTHY_AFTER_MS;
  }

  /** The running engine, or null while it is down (between a stop and its restart, or for good). */
  get current(): P | null {
    return this.engine;
  }

  /** True once the supervisor stopped restarting. */
  get hasGivenUp(): boolean {
    return this.gaveUp;
  }

  start(): P {
    if (this.engine) return this.engine;
    return this.launch(null);
  }

  /** Stops the engine for good (the app quits). */
  stop(): void {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const engine = this.engine;
    this.engine = null;
    engine?.kill();
  }

  private launch(restart: { code: number; attempt: number } | null): P {
    const engine = this.options.fork();
    this.engine = engine;
    this.startedAt = Date.now();
    engine.on('exit', (code) => this.onExit(engine, code));
    this.options.started(engine, restart);
    return engine;
  }

  private onExit(engine: P, code: number): void {
    if (engine !== this.engine || this.stopping) return;
    this.engine = null;
    if (Date.now() - this.startedAt >= this.healthyAfterMs) this.restarts = 0;
    const delay = this.delays[this.restarts];
    if (delay === undefined) {
      this.gaveUp = true;
      this.options.stopped(code, null);
      this.options.gaveUp(
        `The Membrana engine stopped ${this.restarts + 1} times in a row (last exit code ${code}) and was not started again. ` +
          'What was saved is on disk; quit Membrana and start it again. If it keeps stopping, start it from a terminal ' +
          'to see the engine’s error output, and report that output.',
      );
      return;
    }
    this.restarts++;
    const attempt = this.restarts;
    this.options.stopped(code, delay);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopping) this.launch({ code, attempt });
    }, delay);
  }
}
