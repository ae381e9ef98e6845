import { RuleTester } from 'eslint';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import { afterAll, describe, it } from 'vitest';
import { createLayeringPlugin } from './eslint-plugin-layering.js';

Object.assign(RuleTester, { afterAll, describe, it });

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rule = createLayeringPlugin(root).rules.layering;
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });
const at = (file: string): string => path.join(root, file);

tester.run('local/layering', rule as never, {
  valid: [
    { filename: at('engine/service/EngineService.ts'), code: "import { x } from '../../protocol/contract.js'; import fs from 'node:fs';" },
    // Inside engine/, downwards: a library on base, on a lower library; the service on libraries; hosts on the service.
    { filename: at('engine/zarr/omeZarr.ts'), code: "import { CodedError } from '../base/CodedError.js'; import { readVolume } from '../io/readVolume.js'; import { x } from './zarrNodes.js';" },
    { filename: at('engine/blocks/predictBlocks.ts'), code: "import { x } from '../predict/Predictor.js'; import { y } from '../zarr/AtomicFileStore.js'; import { z } from '../mesh/Mesh.js';" },
    { filename: at('engine/service/ProjectJobs.ts'), code: "import { fineTune } from '../train/fineTune.js'; const m = await import('../predict/inferenceProvider.js');" },
    { filename: at('engine/host/RpcServer.ts'), code: "import type { EngineEventSource } from '../service/EngineService.js';" },
    { filename: at('engine/index.ts'), code: "export { EngineService } from './service/EngineService.js';" },
    // A test may use any library, as a user of the code would; its testing/ helpers may not.
    { filename: at('engine/zarr/otherReader.test.ts'), code: "import { segmentOmeZarr } from '../blocks/segmentOmeZarr.js';" },
    { filename: at('renderer/src/App.ts'), code: "import type { VolumeInfo } from '../../protocol/contract.js'; import { mount } from 'svelte';" },
    { filename: at('electron/main.ts'), code: "import { app } from 'electron'; import { EngineService } from '../engine/service/EngineService.js';" },
    { filename: at('protocol/RpcClient.ts'), code: "import { CALL_NAMES } from './contract.js';" },
    { filename: at('protocol/wire.test.ts'), code: "import { it } from 'vitest';" },
    { filename: at('renderer/vite.config.ts'), code: "import { fileURLToPath } from 'node:url';" },
  ],
  invalid: [
    { filename: at('engine/io/x.ts'), code: "import { app } from 'electron';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('engine/io/x.ts'), code: "import { mount } from 'svelte';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('engine/mesh/x.ts'), code: "const three = await import('three');", errors: [{ messageId: 'forbidden' }] },
    { filename: at('engine/io/x.ts'), code: "export * from '../../renderer/src/lib/Viewport.js';", errors: [{ messageId: 'forbidden' }] },
    // Upwards inside engine/: a library on the host (predictionWorker once took toErrorInfo from host/) ...
    { filename: at('engine/predict/predictionWorker.ts'), code: "import { toErrorInfo } from '../host/toErrorInfo.js';", errors: [{ message: /engine\/predict\/ \(tier 3\) may import only lower tiers, not engine\/host\/ \(tier 6\)/ }] },
    // ... base on a library, a library on the service, a re-export and a dynamic import upwards ...
    { filename: at('engine/base/x.ts'), code: "import { ModelError } from '../model/ModelError.js';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('engine/model/x.ts'), code: "import { CallError } from '../service/CallError.js';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('engine/project/CorrectionChunks.ts'), code: "export { x } from '../blocks/DurableFileStore.js';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('engine/io/x.ts'), code: "const { segmentVolume } = await import('../segment/segmentVolume.js');", errors: [{ messageId: 'forbidden' }] },
    // ... sideways within a tier (metrics and mesh; project and blocks) ...
    { filename: at('engine/metrics/connectedComponents4.ts'), code: "import { x } from '../mesh/Mesh.js';", errors: [{ message: /engine\/metrics\/ and engine\/mesh\/ are in the same tier/ }] },
    { filename: at('engine/blocks/x.ts'), code: "import { x } from '../project/atomicWrite.js';", errors: [{ messageId: 'forbidden' }] },
    // ... a testing/ helper upwards, and the engine's index from inside.
    { filename: at('engine/io/testing/x.ts'), code: "import { x } from '../../fuzz/craftTiff.js';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('engine/service/x.ts'), code: "import { EngineService } from '../index.js';", errors: [{ messageId: 'forbidden' }] },
    // Files at engine/'s top and folders outside the order.
    { filename: at('engine/EngineService.ts'), code: "import { x } from './io/Volume.js';", errors: [{ messageId: 'misplaced' }] },
    { filename: at('engine/plugins/x.ts'), code: "import { x } from '../io/Volume.js';", errors: [{ messageId: 'misplaced' }] },
    { filename: at('engine/io/x.ts'), code: "import { x } from '../plugins/x.js';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('renderer/src/x.ts'), code: "import { readVolume } from '../../engine/io/readVolume.js';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('renderer/src/x.ts'), code: "import fs from 'node:fs';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('renderer/src/x.ts'), code: "const e = require('electron');", errors: [{ messageId: 'forbidden' }] },
    { filename: at('protocol/x.ts'), code: "import { Worker } from 'node:worker_threads';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('protocol/x.ts'), code: "import { it } from 'vitest';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('protocol/x.ts'), code: "import { EngineService } from '../engine/service/EngineService.js';", errors: [{ messageId: 'forbidden' }] },
  ],
});
