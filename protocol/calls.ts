/** EngineCalls: every feature's calls in one interface. */
import type { AppCalls } from './app.js';
import type { JobCalls } from './jobs.js';
import type { ModelCalls } from './models.js';
import type { NeuronCalls } from './neurons.js';
import type { ProjectCalls } from './projects.js';
import type { VolumeCalls } from './volumes.js';

/**
 * Every call: its argument and its result, one interface per feature combined. Arguments and
 * results may contain ArrayBuffers and typed arrays, which are transferred as binary.
 */
export interface EngineCalls extends AppCalls, VolumeCalls, ProjectCalls, JobCalls, ModelCalls, NeuronCalls {}
