import type { FuzzInput } from './fuzzInputs.js';
import type { LimitedRun } from './runLimited.js';

export type Outcome = 'refused' | 'accepted' | 'crash' | 'hang' | 'memory';
export type Problem = 'crash' | 'hang' | 'memory' | 'stack-trace' | 'unnamed' | 'left-behind' | 'accepted-invalid' | 'usage-error';

export interface Verdict {
  outcome: Outcome;
  problems: Problem[];
}

/** A V8 stack frame line ("    at readTiff (file.js:12:5)"), which users must never see. */
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>)$/m;

/**
 * What one run of a command on a malformed input did, and what was wrong with it: a signal is a
 * crash; the time limit a hang; the memory cap runaway memory. A refusal must exit 1 (2 is a usage
 * error: the campaign called it wrongly), name the input in its message, show no stack trace and
 * leave nothing in the output folder. An input that breaks its format must not be accepted.
 */
export function judgeRun(input: FuzzInput, run: LimitedRun, leftovers: string[]): Verdict {
  const problems: Problem[] = [];
  let outcome: Outcome;
  if (run.overMemory) outcome = 'memory';
  else if (run.timedOut) outcome = 'hang';
  else if (run.signal !== null || run.code === null || run.code > 128) outcome = 'crash';
  else outcome = run.code === 0 ? 'accepted' : 'refused';
  if (outcome === 'crash' || outcome === 'hang' || outcome === 'memory') problems.push(outcome);
  if (STACK_FRAME.test(run.stderr)) problems.push('stack-trace');
  if (outcome === 'refused') {
    if (run.code === 2) problems.push('usage-error');
    if (!namesInput(run.stderr, input.path)) problems.push('unnamed');
  }
  if (outcome !== 'accepted' && leftovers.length > 0) problems.push('left-behind');
  if (outcome === 'accepted' && input.expect === 'reject') problems.push('accepted-invalid');
  return { outcome, problems };
}

/** The message names the input: its path, or a file inside it (a slice, a chunk, membrana.json). */
export function namesInput(message: string, input: string): boolean {
  return message.includes(input);
}
