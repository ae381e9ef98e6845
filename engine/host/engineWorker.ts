/** Worker-thread entry: the engine for serve mode, off the server's event loop. */
import { parentPort, workerData } from 'node:worker_threads';
import { EngineService, type EngineServiceOptions } from '../service/EngineService.js';
import { startEngineLogging } from './engineLogging.js';
import { portLink } from './portLink.js';
import { serveRpc } from './RpcServer.js';

if (!parentPort) throw new Error('engineWorker.js must run as a worker thread.');
const service = new EngineService(workerData as EngineServiceOptions);
startEngineLogging(service, 'serve');
serveRpc(portLink(parentPort), service.handlers, service.events);
