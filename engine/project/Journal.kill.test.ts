import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from './Journal.js';
import { encodeRecord, type JournalRecord } from './journalFormat.js';
import { editRecord, sampleRecords } from './testing/sampleRecords.js';

/**
 * A writer that imports nothing from Membrana (the child runs plain Node, without TypeScript):
 * it appends the framed records of argv[3] to the journal argv[2] as Journal.append does (one
 * write at the end, then fsync) and prints "ack N" after each fsync. In 'tear' mode it writes
 * only half of the last record and SIGKILLs itself; in 'loop' mode it cycles until killed.
 */
const CHILD = `
import fs from 'node:fs';
const [file, recordsFile, mode] = process.argv.slice(2);
const data = fs.readFileSync(recordsFile);
const records = [];
for (let at = 0; at < data.length; ) {
  const length = data.readUInt32LE(at) + 8;
  records.push(data.subarray(at, at + length));
  at += length;
}
const fd = fs.openSync(file, 'r+');
let position = fs.fstatSync(fd).size;
for (let n = 0; mode === 'loop' || n < records.length; n++) {
  const record = records[n % records.length];
  if (mode === 'tear' && n === records.length - 1) {
    fs.writeSync(fd, record, 0, Math.floor(record.length / 2), position);
    process.kill(process.pid, 'SIGKILL');
  }
  fs.writeSync(fd, record, 0, record.length, position);
  fs.fsyncSync(fd);
  position += record.length;
  process.stdout.write('ack ' + (n + 1) + '\\n');
}
`;

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'membrana-journal-kill-'));
  file = path.join(dir, 'journal.bin');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the child writer; `killAfter` acks makes the parent SIGKILL it from outside. */
async function runWriter(records: JournalRecord[], mode: 'tear' | 'loop', killAfter?: number): Promise<{ acks: number; signal: NodeJS.Signals | null }> {
  const script = path.join(dir, 'writer.mjs');
  const recordsFile = path.join(dir, 'records.bin');
  await writeFile(script, CHILD);
  await writeFile(recordsFile, Buffer.concat(records.map(encodeRecord)));
  const child = spawn(process.execPath, [script, file, recordsFile, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  let acks = 0;
  let text = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    text += chunk;
    const lines = text.split('\n');
    text = lines.pop() ?? '';
    for (const line of lines) acks = Math.max(acks, Number(line.slice(4)));
    if (killAfter !== undefined && acks >= killAfter) child.kill('SIGKILL');
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (_code, closeSignal) => resolve(closeSignal));
  });
  return { acks, signal };
}

describe('Journal after a real kill', () => {
  it('keeps every fsynced record and drops the one a SIGKILL cut in half', async () => {
    const { journal } = await Journal.open(file);
    await journal.append(sampleRecords()[0]!);
    await journal.close();
    const written = [editRecord(2), editRecord(3, 40), editRecord(4, 400)];
    const { acks, signal } = await runWriter(written, 'tear');
    expect(signal).toBe('SIGKILL');
    expect(acks).toBe(2);
    const reopened = await Journal.open(file);
    expect(reopened.records).toEqual([sampleRecords()[0], editRecord(2), editRecord(3, 40)]);
    expect(reopened.repaired).toEqual({ droppedBytes: Math.floor(encodeRecord(editRecord(4, 400)).byteLength / 2) });
    await reopened.journal.append(editRecord(5));
    await reopened.journal.close();
    const again = await Journal.open(file);
    await again.journal.close();
    expect(again.records.at(-1)).toEqual(editRecord(5));
  }, 20_000);

  it('holds every acknowledged record when killed from outside at an arbitrary moment', async () => {
    await (await Journal.open(file)).journal.close();
    const cycle = Array.from({ length: 7 }, (_, i) => editRecord(i + 1, 1 + i * 30));
    const { acks, signal } = await runWriter(cycle, 'loop', 25);
    expect(signal).toBe('SIGKILL');
    expect(acks).toBeGreaterThanOrEqual(25);
    const { journal, records } = await Journal.open(file);
    await journal.close();
    // The record in flight at the kill may or may not have made it; every acknowledged one did.
    expect(records.length === acks || records.length === acks + 1).toBe(true);
    records.forEach((record, n) => expect(record).toEqual(cycle[n % cycle.length]));
  }, 20_000);
});
