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
    { filename: at('engine/EngineService.ts'), code: "import { x } from '../protocol/contract.js'; import fs from 'node:fs';" },
    { filename: at('renderer/src/App.ts'), code: "import type { VolumeInfo } from '../../protocol/contract.js'; import { mount } from 'svelte';" },
    { filename: at('electron/main.ts'), code: "import { app } from 'electron'; import { EngineService } from '../engine/service/EngineService.js';" },
    { filename: at('protocol/RpcClient.ts'), code: "import { CALL_NAMES } from './contract.js';" },
    { filename: at('protocol/wire.test.ts'), code: "import { it } from 'vitest';" },
    { filename: at('renderer/vite.config.ts'), code: "import { fileURLToPath } from 'node:url';" },
  ],
  invalid: [
    { filename: at('engine/x.ts'), code: "import { app } from 'electron';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('engine/x.ts'), code: "import { mount } from 'svelte';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('engine/x.ts'), code: "const three = await import('three');", errors: [{ messageId: 'forbidden' }] },
    { filename: at('engine/x.ts'), code: "export * from '../renderer/src/lib/Viewport.js';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('renderer/src/x.ts'), code: "import { readVolume } from '../../engine/io/readVolume.js';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('renderer/src/x.ts'), code: "import fs from 'node:fs';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('renderer/src/x.ts'), code: "const e = require('electron');", errors: [{ messageId: 'forbidden' }] },
    { filename: at('protocol/x.ts'), code: "import { Worker } from 'node:worker_threads';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('protocol/x.ts'), code: "import { it } from 'vitest';", errors: [{ messageId: 'forbidden' }] },
    { filename: at('protocol/x.ts'), code: "import { EngineService } from '../engine/service/EngineService.js';", errors: [{ messageId: 'forbidden' }] },
  ],
});
