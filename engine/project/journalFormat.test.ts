import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';
import { FRAME_BYTES, JOURNAL_MAGIC, JournalDamage, decodePayload, encodeRecord, parseJournal } from './journalFormat.js';
import { editRecord, sampleRecords } from './testing/sampleRecords.js';

function journalBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** A correctly framed record around any payload (valid checksum). */
function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_BYTES + payload.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.byteLength, true);
  view.setUint32(4, crc32(payload), true);
  out.set(payload, FRAME_BYTES);
  return out;
}

function jsonPayload(header: unknown): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(4 + json.byteLength);
  new DataView(out.buffer).setUint32(0, json.byteLength, true);
  out.set(json, 4);
  return out;
}

describe('journal format', () => {
  it('encodes and decodes every record kind exactly, with aligned typed arrays', () => {
    for (const record of sampleRecords()) {
      const bytes = encodeRecord(record);
      const view = new DataView(bytes.buffer);
      expect(view.getUint32(0, true)).toBe(bytes.byteLength - FRAME_BYTES);
      expect(view.getUint32(4, true)).toBe(crc32(bytes.subarray(FRAME_BYTES)));
      expect(decodePayload(bytes.subarray(FRAME_BYTES))).toEqual(record);
    }
    const decoded = decodePayload(encodeRecord(editRecord(3, 5)).subarray(FRAME_BYTES));
    expect(decoded.kind === 'edit' && decoded.indices.byteOffset).toBe(0);
  });

  it('parses a journal, and calls a cut-off, zero-filled or garbled last record a torn tail', () => {
    const records = [editRecord(1), editRecord(2)];
    const good = journalBytes(JOURNAL_MAGIC, ...records.map(encodeRecord));
    expect(parseJournal(good)).toEqual({ records, goodLength: good.byteLength, tail: 'clean' });
    const third = encodeRecord(editRecord(3));
    for (const tail of [third.subarray(0, 5), third.subarray(0, third.byteLength - 1), new Uint8Array(64), Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3])]) {
      expect(parseJournal(journalBytes(good, tail))).toEqual({ records, goodLength: good.byteLength, tail: 'torn' });
    }
    const flipped = third.slice();
    flipped[flipped.byteLength - 1]! ^= 1;
    expect(parseJournal(journalBytes(good, flipped))).toMatchObject({ goodLength: good.byteLength, tail: 'torn' });
  });

  it('refuses damage that complete records follow, and complete records it cannot read', () => {
    const [first, second, third] = [1, 2, 3].map((id) => encodeRecord(editRecord(id)));
    const damaged = second!.slice();
    damaged[20]! ^= 0x40;
    expect(() => parseJournal(journalBytes(JOURNAL_MAGIC, first!, damaged, third!))).toThrow(JournalDamage);
    expect(() => parseJournal(journalBytes(JOURNAL_MAGIC, first!, damaged, third!))).toThrow(/record 2 .*fails its checksum, but complete records follow/);
    const unknown = frame(jsonPayload({ kind: 'teleport', time: 'now', sections: [] }));
    expect(() => parseJournal(journalBytes(JOURNAL_MAGIC, first!, unknown))).toThrow(/record 2 .*unknown kind 'teleport'/);
    const notJson = frame(Uint8Array.from([2, 0, 0, 0, 0x7b, 0x7b]));
    expect(() => parseJournal(journalBytes(JOURNAL_MAGIC, notJson))).toThrow(/record 1 .*not valid JSON/);
    const missing = frame(jsonPayload({ kind: 'edit', id: 1, z: 0, tool: 'x', time: 't', sections: [] }));
    expect(() => parseJournal(journalBytes(JOURNAL_MAGIC, missing))).toThrow(/no indices, before or after/);
    const overrun = frame(jsonPayload({ kind: 'undo', id: 1, time: 't', sections: [{ field: 'x', type: 'Uint8Array', byteLength: 9 }] }));
    expect(() => parseJournal(journalBytes(JOURNAL_MAGIC, overrun))).toThrow(/section 'x' runs past the record/);
  });
});
