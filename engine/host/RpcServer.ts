import { checkCallArgs, isCallName } from '../../protocol/callShapes.js';
import {
  type CallContext,
  type EngineEvents,
  type EngineHandlers,
  type EventName,
  type RpcMessage,
} from '../../protocol/contract.js';
import type { MessageLink } from '../../protocol/RpcClient.js';
import { CancelledError } from '../base/cancellation.js';
import { toErrorInfo } from '../base/errorInfo.js';
import { logger } from '../base/log.js';
import type { EngineEventSource } from '../service/EngineService.js';

const log = logger('rpc');

export interface RpcServer {
  emit<E extends EventName>(event: E, payload: EngineEvents[E]): void;
  dispose(): void;
}

/**
 * Serves the contract's handlers over a MessageLink: runs each call with its own AbortSignal,
 * forwards progress, turns thrown errors into ErrorInfo, and cancels on request. With `events`,
 * the engine's events go to this link until the server is disposed.
 */
export function serveRpc(link: MessageLink, handlers: EngineHandlers, events?: EngineEventSource): RpcServer {
  const running = new Map<number, AbortController>();
  const unsubscribe = events?.((name, payload) => link.send({ kind: 'event', name, payload }));

  const stop = link.onMessage((message: RpcMessage) => {
    if (message.kind === 'cancel') {
      running.get(message.id)?.abort();
      return;
    }
    if (message.kind !== 'call') return;
    const { id, method, args } = message;
    if (!isCallName(method)) {
      link.send({ kind: 'result', id, ok: false, error: { code: 'UNKNOWN_CALL', message: `Unknown engine call "${String(method)}".` } });
      return;
    }
    const badArguments = checkCallArgs(method, args);
    if (badArguments) {
      link.send({ kind: 'result', id, ok: false, error: { code: 'BAD_ARGUMENTS', message: `The engine refused a malformed call: ${badArguments}.` } });
      return;
    }
    const controller = new AbortController();
    running.set(id, controller);
    const context: CallContext = {
      signal: controller.signal,
      progress: (progress) => link.send({ kind: 'progress', id, progress }),
    };
    const handler = handlers[method] as (args: unknown, context: CallContext) => Promise<unknown>;
    Promise.resolve()
      .then(() => handler(args, context))
      .then(
        (value) => {
          try {
            link.send({ kind: 'result', id, ok: true, value });
          } catch (error) {
            // A result that cannot be sent (a detached buffer, say) must still end the call.
            log.error('Could not send a call\'s result', { call: method, error });
            link.send({ kind: 'result', id, ok: false, error: { code: 'INTERNAL', message: `The engine could not send the result of ${method}: ${(error as Error).message}` } });
          }
        },
        (error: unknown) => {
          const info = toErrorInfo(controller.signal.aborted ? new CancelledError(`${method} was cancelled.`) : error);
          // The page shows the error; the log keeps it for a bug report, with the stack when it is a bug (INTERNAL).
          if (info.code === 'CANCELLED') log.debug('Call cancelled', { call: method });
          else if (info.code === 'INTERNAL') log.error('Call failed', { call: method, error });
          else log.info('Call failed', { call: method, code: info.code, file: info.file ?? info.files?.join(', '), message: info.message });
          link.send({ kind: 'result', id, ok: false, error: info });
        },
      )
      .finally(() => running.delete(id));
  });

  return {
    emit: (name, payload) => link.send({ kind: 'event', name, payload }),
    dispose: () => {
      stop();
      unsubscribe?.();
      for (const controller of running.values()) controller.abort();
      running.clear();
    },
  };
}
