import type { Worker } from 'node:worker_threads';
import type { ErrorInfo } from '../../protocol/contract.js';
import { fromErrorInfo } from '../base/errorInfo.js';

/** A worker thread and how it stopped, recorded from its start so an exit just after 'ready' is not missed. */
export interface WorkerSlot {
  index: number;
  worker: Worker;
  lastError: Error | null;
  exitCode: number | null;
}

export function watchWorker(worker: Worker, index: number): WorkerSlot {
  const slot: WorkerSlot = { index, worker, lastError: null, exitCode: null };
  worker.on('error', (error) => (slot.lastError = error)).once('exit', (code) => (slot.exitCode = code));
  return slot;
}

/** Why a worker stopped, for error messages. */
export function stopReason(slot: WorkerSlot): string {
  return slot.lastError?.message ?? `exit code ${slot.exitCode}`;
}

/**
 * Waits for a new worker's first message, 'ready' (resolves with it) or 'failed' with an
 * ErrorInfo (rejects with it); rejects too if the worker dies first. `what` names the worker in
 * errors ('A prediction worker').
 */
export function whenReady<M extends { kind: string }>(slot: WorkerSlot, what: string): Promise<Extract<M, { kind: 'ready' }>> {
  const { worker } = slot;
  return new Promise((resolve, reject) => {
    const onMessage = (message: M): void => {
      if (message.kind === 'ready') finish(() => resolve(message as Extract<M, { kind: 'ready' }>));
      else if (message.kind === 'failed') finish(() => reject(fromErrorInfo((message as unknown as { error: ErrorInfo }).error, `${what} could not start: `)));
    };
    const onExit = (): void =>
      finish(() => reject(new Error(`${what} stopped while starting (${stopReason(slot)}). Run \`npm run build:node\` if the build is incomplete, or use one worker.`)));
    const finish = (then: () => void): void => {
      worker.off('message', onMessage).off('exit', onExit);
      then();
    };
    worker.on('message', onMessage).on('exit', onExit);
  });
}

/**
 * Wires a pool's workers: every message goes to `answered`, and a worker that stops or sends
 * an unreadable message goes to `fail` with the reason. Workers are unreferenced: referenced
 * only while a request is pending, so a pool left undisposed does not keep the process alive.
 */
export function listenToSlots<S extends WorkerSlot, M>(slots: readonly S[], answered: (slot: S, message: M) => void, fail: (slot: S, reason: string) => void): void {
  for (const slot of slots) {
    slot.worker.on('message', (message: M) => answered(slot, message));
    slot.worker.on('messageerror', (error) => fail(slot, error.message));
    slot.worker.on('exit', () => fail(slot, stopReason(slot)));
    if (slot.exitCode !== null) fail(slot, stopReason(slot));
    slot.worker.unref();
  }
}
