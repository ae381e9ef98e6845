import { describe, expect, it } from 'vitest';
import { CodedError, FileError } from './CodedError.js';
import { CancelledError } from './cancellation.js';
import { fromErrorInfo, toErrorInfo } from './errorInfo.js';

describe('CodedError', () => {
  it('keeps its code, message, details and cause, and sets only the details it was given', () => {
    const cause = new Error('disk');
    const error = new CodedError('READ_FAILED', 'a.tif cannot be read.', { file: 'a.tif', hint: 'Copy it again.', cause });
    expect(error).toMatchObject({ name: 'CodedError', code: 'READ_FAILED', message: 'a.tif cannot be read.', file: 'a.tif', hint: 'Copy it again.', cause });
    expect(Object.keys(new CodedError('X', 'm'))).not.toContain('file');
    expect('hint' in new CodedError('X', 'm')).toBe(false);
  });

  it('is the base of the errors about one file, which always name it and say what to do', () => {
    const error = new FileError('TRUNCATED', 'a.tif ends early.', { file: 'a.tif', hint: 'Copy it again.' });
    expect(error).toBeInstanceOf(CodedError);
    expect(toErrorInfo(error)).toEqual({ code: 'TRUNCATED', message: 'a.tif ends early.', file: 'a.tif', hint: 'Copy it again.' });
  });
});

describe('toErrorInfo', () => {
  it('carries the code, message, file, files and hint of an error across the boundary', () => {
    // EvaluationError's files were lost here once: the host read only `file`.
    const evaluation = new CodedError('SHAPE_MISMATCH', 'p.tif is 4 × 4, l.tif is 5 × 5.', { files: ['p.tif', 'l.tif'], hint: 'Score stacks of one size.' });
    expect(toErrorInfo(evaluation)).toEqual({ code: 'SHAPE_MISMATCH', message: 'p.tif is 4 × 4, l.tif is 5 × 5.', files: ['p.tif', 'l.tif'], hint: 'Score stacks of one size.' });
    expect(toErrorInfo(new CodedError('NOT_LABELS', 'x holds floats.', { file: 'x' }))).toEqual({ code: 'NOT_LABELS', message: 'x holds floats.', file: 'x' });
  });

  it('keeps the code of Node system errors and calls anything else INTERNAL', () => {
    const enoent = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', path: '/x' });
    expect(toErrorInfo(enoent)).toEqual({ code: 'ENOENT', message: 'ENOENT: no such file' });
    expect(toErrorInfo(new TypeError('x is undefined'))).toEqual({ code: 'INTERNAL', message: 'x is undefined' });
    expect(toErrorInfo('a string')).toEqual({ code: 'INTERNAL', message: 'a string' });
  });

  it('drops a files field that is not a list of strings', () => {
    expect(toErrorInfo(Object.assign(new Error('m'), { code: 'C', files: [1, 2] }))).toEqual({ code: 'C', message: 'm' });
  });
});

describe('fromErrorInfo', () => {
  it('rebuilds any coded error with its code, file(s) and hint, whatever library threw it', () => {
    const info = toErrorInfo(new CodedError('MODEL_CORRUPT', '/m/weights.bin has 100 bytes.', { file: '/m/weights.bin', hint: 'Copy the model again.' }));
    const error = fromErrorInfo(info, 'A prediction worker could not start: ');
    expect(error).toBeInstanceOf(CodedError);
    expect(toErrorInfo(error)).toEqual(info);
    expect(fromErrorInfo({ code: 'SHAPE_MISMATCH', message: 'm', files: ['a', 'b'], hint: 'h' })).toMatchObject({ files: ['a', 'b'] });
  });

  it('names the worker in the message of a bare error, which has no hint to say more', () => {
    expect(fromErrorInfo({ code: 'INTERNAL', message: 'x is undefined' }, 'Training worker 2 of 2 failed: ').message).toBe('Training worker 2 of 2 failed: x is undefined');
  });

  it('gives back a cancel as the one CancelledError', () => {
    const error = fromErrorInfo(toErrorInfo(new CancelledError('Prediction was cancelled.')), 'ignored: ');
    expect(error).toBeInstanceOf(CancelledError);
    expect(error).toMatchObject({ code: 'CANCELLED', name: 'AbortError', message: 'Prediction was cancelled.' });
  });
});
