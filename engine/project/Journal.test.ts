import { appendFile, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from './Journal.js';
import { JOURNAL_MAGIC, encodeRecord } from './journalFormat.js';
import { editRecord, sampleRecords } from './testing/sampleRecords.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'membrana-journal-'));
  file = path.join(dir, 'journal.bin');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeJournal(records = sampleRecords()): Promise<void> {
  const { journal } = await Journal.open(file);
  for (const record of records) await journal.append(record);
  await journal.close();
}

describe('Journal', () => {
  it('creates a missing journal holding only its header', async () => {
    const { journal, records, repaired } = await Journal.open(file);
    expect(records).toEqual([]);
    expect(repaired).toBeNull();
    expect(journal.file).toBe(file);
    await journal.close();
    expect(new Uint8Array(await readFile(file))).toEqual(JOURNAL_MAGIC);
  });

  it('round-trips every record kind across close and reopen', async () => {
    await writeJournal();
    const { journal, records, repaired } = await Journal.open(file);
    expect(records).toEqual(sampleRecords());
    expect(repaired).toBeNull();
    expect(journal.byteLength).toBe((await stat(file)).size);
    await journal.close();
  });

  it('never interleaves concurrent appends and encodes each record when append is called', async () => {
    const { journal } = await Journal.open(file);
    const records = Array.from({ length: 40 }, (_, i) => editRecord(i + 1, 1 + ((i * 37) % 200)));
    const mutated = editRecord(99);
    const pending = [...records, mutated].map((record) => journal.append(record));
    if (mutated.kind === 'edit') mutated.after.fill(7);
    await Promise.all(pending);
    await journal.close();
    const reopened = await Journal.open(file);
    expect(reopened.records).toEqual([...records, editRecord(99)]);
    await reopened.journal.close();
  });

  it('drops exactly a record cut short by a crash, keeps the earlier ones and appends after them', async () => {
    await writeJournal();
    const complete = (await stat(file)).size;
    const partial = encodeRecord(editRecord(7, 50));
    await appendFile(file, partial.subarray(0, partial.byteLength - 3));
    const { journal, records, repaired } = await Journal.open(file);
    expect(records).toEqual(sampleRecords());
    expect(repaired).toEqual({ droppedBytes: partial.byteLength - 3 });
    expect((await stat(file)).size).toBe(complete);
    await journal.append(editRecord(8));
    await journal.close();
    const again = await Journal.open(file);
    expect(again.records).toEqual([...sampleRecords(), editRecord(8)]);
    expect(again.repaired).toBeNull();
    await again.journal.close();
  });

  it('drops a complete record truncated by a few bytes, and garbage or zeros after the last record', async () => {
    await writeJournal();
    const complete = (await stat(file)).size;
    await truncate(file, complete - 4);
    const cut = await Journal.open(file);
    expect(cut.records).toEqual(sampleRecords().slice(0, -1));
    expect(cut.repaired).toEqual({ droppedBytes: encodeRecord(sampleRecords().at(-1)!).byteLength - 4 });
    await cut.journal.close();

    for (const tail of [Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x13, 0x37, 0x42]), new Uint8Array(4096)]) {
      const before = (await stat(file)).size;
      await appendFile(file, tail);
      const opened = await Journal.open(file);
      expect(opened.records).toEqual(sampleRecords().slice(0, -1));
      expect(opened.repaired).toEqual({ droppedBytes: tail.byteLength });
      expect((await stat(file)).size).toBe(before);
      await opened.journal.append(editRecord(9));
      await opened.journal.close();
      const again = await Journal.open(file);
      expect(again.records.at(-1)).toEqual(editRecord(9));
      await again.journal.close();
      await truncate(file, before);
    }
  });

  it('refuses a file that is not a journal, or is damaged before its end, and leaves it unchanged', async () => {
    await writeFile(file, 'MBJOURN2 and something else');
    await expect(Journal.open(file)).rejects.toMatchObject({ name: 'ProjectError', code: 'CORRUPT_JOURNAL', file, message: expect.stringContaining(file), hint: expect.stringContaining('backup') });
    expect(await readFile(file, 'utf8')).toBe('MBJOURN2 and something else');

    await rm(file);
    await writeJournal();
    const bytes = await readFile(file);
    bytes[JOURNAL_MAGIC.byteLength + 20]! ^= 0x01; // inside the first record's payload
    await writeFile(file, bytes);
    await expect(Journal.open(file)).rejects.toMatchObject({ code: 'CORRUPT_JOURNAL', message: expect.stringMatching(/record 1 .*complete records follow/) });
    expect(await readFile(file)).toEqual(bytes);
  });

  it('rewrites a header cut short and rejects appends after close', async () => {
    await writeFile(file, 'MBJO');
    const { journal, records, repaired } = await Journal.open(file);
    expect(records).toEqual([]);
    expect(repaired).toEqual({ droppedBytes: 4 });
    await journal.close();
    await expect(journal.append(editRecord(1))).rejects.toMatchObject({ code: 'JOURNAL_CLOSED' });
    expect(new Uint8Array(await readFile(file))).toEqual(JOURNAL_MAGIC);
  });
});
