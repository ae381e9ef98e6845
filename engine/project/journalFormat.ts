import { crc32 } from './crc32.js';

/**
 * The bytes of journal.bin (see README.md): the 8-byte magic, then framed records
 *   u32 LE payload length · u32 LE CRC-32 of the payload · payload
 * where a payload is
 *   u32 LE JSON length · UTF-8 JSON header · binary sections (in the order the header lists them).
 * Pure functions over bytes, so tests (and a killed child process) can build journals directly.
 */

/** Pixels painted on slice z: each index's label before and after (both already known at write time). */
export interface EditRecord {
  kind: 'edit';
  id: number;
  z: number;
  tool: string;
  indices: Uint32Array;
  before: Uint8Array;
  after: Uint8Array;
  time: string;
}

/** The edit with this id was undone (or redone). */
export interface UndoRecord {
  kind: 'undo';
  id: number;
  time: string;
}
export interface RedoRecord {
  kind: 'redo';
  id: number;
  time: string;
}

/** Slice z was marked (on) or unmarked as a validation slice, held out of training. */
export interface ValidationRecord {
  kind: 'validation';
  z: number;
  on: boolean;
  time: string;
}

/**
 * Voxels of the segment layer whose neuron id changed (merge, split, relabel, delete): each
 * index's id before and after. Lives in segments/journal.bin, beside its base segmentation.
 */
export interface SegmentEditRecord {
  kind: 'segmentEdit';
  id: number;
  /** What the user did: 'merge', 'split', 'relabel', 'delete'. */
  op: string;
  indices: Uint32Array;
  before: Uint32Array;
  after: Uint32Array;
  time: string;
}

/** A segment's note and tags ("axon", "checked"); the latest record for a segment wins. */
export interface SegmentNoteRecord {
  kind: 'segmentNote';
  segment: number;
  note: string;
  tags: string[];
  time: string;
}

export type JournalRecord = EditRecord | UndoRecord | RedoRecord | ValidationRecord | SegmentEditRecord | SegmentNoteRecord;

export const JOURNAL_MAGIC = new TextEncoder().encode('MBJOURN1');
/** Bytes before each payload: its length and its CRC-32. */
export const FRAME_BYTES = 8;

type SectionType = 'Uint32Array' | 'Uint8Array';
interface Section {
  field: string;
  type: SectionType;
  byteLength: number;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One record, framed: ready to append to the file with a single write. */
export function encodeRecord(record: JournalRecord): Uint8Array {
  const header: Record<string, unknown> = {};
  const sections: Section[] = [];
  const blobs: Uint8Array[] = [];
  for (const [field, value] of Object.entries(record)) {
    if (value instanceof Uint32Array || value instanceof Uint8Array) {
      const bytes = littleEndianBytes(value);
      sections.push({ field, type: value instanceof Uint32Array ? 'Uint32Array' : 'Uint8Array', byteLength: bytes.byteLength });
      blobs.push(bytes);
    } else {
      header[field] = value;
    }
  }
  header.sections = sections;
  const json = new TextEncoder().encode(JSON.stringify(header));
  const payloadLength = 4 + json.byteLength + blobs.reduce((n, blob) => n + blob.byteLength, 0);
  const out = new Uint8Array(FRAME_BYTES + payloadLength);
  const view = new DataView(out.buffer);
  view.setUint32(FRAME_BYTES, json.byteLength, true);
  out.set(json, FRAME_BYTES + 4);
  let at = FRAME_BYTES + 4 + json.byteLength;
  for (const blob of blobs) {
    out.set(blob, at);
    at += blob.byteLength;
  }
  view.setUint32(0, payloadLength, true);
  view.setUint32(4, crc32(out.subarray(FRAME_BYTES)), true);
  return out;
}

/** A payload (CRC already checked) back into a record; an Error saying what is wrong when it is not one. */
export function decodePayload(payload: Uint8Array): JournalRecord {
  if (payload.byteLength < 4) throw new Error('the record is too short to hold its header');
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const jsonLength = view.getUint32(0, true);
  if (4 + jsonLength > payload.byteLength) throw new Error(`its header length (${jsonLength} bytes) runs past the record`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload.subarray(4, 4 + jsonLength))) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`its header is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (typeof header !== 'object' || header === null || !Array.isArray(header.sections)) throw new Error('its header lists no sections');
  const record: Record<string, unknown> = { ...header };
  delete record.sections;
  let at = 4 + jsonLength;
  for (const section of header.sections as Section[]) {
    const { field, type, byteLength } = section ?? {};
    if (typeof field !== 'string' || (type !== 'Uint32Array' && type !== 'Uint8Array') || !Number.isInteger(byteLength) || byteLength < 0) {
      throw new Error(`it has a malformed section ${JSON.stringify(section)}`);
    }
    if (at + byteLength > payload.byteLength) throw new Error(`its section '${field}' runs past the record`);
    record[field] = typedArray(type, payload.subarray(at, at + byteLength), field);
    at += byteLength;
  }
  if (at !== payload.byteLength) throw new Error(`it has ${payload.byteLength - at} bytes after its last section`);
  return checkRecord(record);
}

/** What parseJournal found. */
export interface ParsedJournal {
  records: JournalRecord[];
  /** Bytes from the start of the file to the end of the last good record. */
  goodLength: number;
  /**
   * 'clean': every byte is a good record. 'torn': the bytes after goodLength are an unfinished
   * or garbled last record (a crash mid-append) and can be dropped.
   */
  tail: 'clean' | 'torn';
}

/**
 * Why a journal cannot be read without losing acknowledged edits: a damaged or unreadable record
 * that complete records follow (not a crash mid-append, which only ever hits the last record).
 */
export class JournalDamage extends Error {
  constructor(
    readonly recordNumber: number,
    readonly offset: number,
    reason: string,
  ) {
    super(`record ${recordNumber} (at byte ${offset}) ${reason}`);
  }
}

/**
 * Reads every record of a journal's bytes (the magic already checked). Stops at a torn tail;
 * throws JournalDamage for damage that is not at the tail or a complete record that is not valid.
 */
export function parseJournal(bytes: Uint8Array): ParsedJournal {
  const records: JournalRecord[] = [];
  let offset = JOURNAL_MAGIC.byteLength;
  while (offset < bytes.byteLength) {
    const frame = readFrame(bytes, offset);
    const recordNumber = records.length + 1;
    if ('problem' in frame) {
      // A crash mid-append garbles only the last record; a good record after a bad one means
      // the damage came from elsewhere, and dropping everything after it would lose edits.
      if (frame.declaredEnd !== undefined && !('problem' in readFrame(bytes, frame.declaredEnd))) {
        throw new JournalDamage(recordNumber, offset, `${frame.problem}, but complete records follow it`);
      }
      return { records, goodLength: offset, tail: 'torn' };
    }
    try {
      records.push(decodePayload(frame.payload));
    } catch (error) {
      throw new JournalDamage(recordNumber, offset, `is complete (its checksum matches) but cannot be read: ${(error as Error).message}`);
    }
    offset = frame.end;
  }
  return { records, goodLength: offset, tail: 'clean' };
}

type Frame = { payload: Uint8Array; end: number } | { problem: string; declaredEnd?: number };

function readFrame(bytes: Uint8Array, offset: number): Frame {
  if (offset + FRAME_BYTES > bytes.byteLength) return { problem: 'is cut short' };
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, FRAME_BYTES);
  const length = view.getUint32(0, true);
  const end = offset + FRAME_BYTES + length;
  // Every payload holds at least its JSON length; a zero length (zero-filled blocks after a power cut) is not a record.
  if (length < 4) return { problem: `declares an impossible length of ${length} bytes`, declaredEnd: end };
  if (end > bytes.byteLength) return { problem: 'is cut short' };
  const payload = bytes.subarray(offset + FRAME_BYTES, end);
  if (crc32(payload) !== view.getUint32(4, true)) return { problem: 'fails its checksum', declaredEnd: end };
  return { payload, end };
}

function checkRecord(record: Record<string, unknown>): JournalRecord {
  const isCount = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 0;
  const need = (ok: boolean, what: string): void => {
    if (!ok) throw new Error(`its ${String(record.kind)} record has ${what}`);
  };
  need(typeof record.time === 'string', 'no time');
  switch (record.kind) {
    case 'edit':
      need(isCount(record.id) && isCount(record.z), 'no id or slice');
      need(typeof record.tool === 'string', 'no tool');
      need(record.indices instanceof Uint32Array && record.before instanceof Uint8Array && record.after instanceof Uint8Array, 'no indices, before or after');
      break;
    case 'undo':
    case 'redo':
      need(isCount(record.id), 'no id');
      break;
    case 'validation':
      need(isCount(record.z) && typeof record.on === 'boolean', 'no slice or on/off');
      break;
    case 'segmentEdit':
      need(isCount(record.id) && typeof record.op === 'string', 'no id or operation');
      need(record.indices instanceof Uint32Array && record.before instanceof Uint32Array && record.after instanceof Uint32Array, 'no indices, before or after');
      need((record.indices as Uint32Array).length === (record.before as Uint32Array).length && (record.indices as Uint32Array).length === (record.after as Uint32Array).length, 'indices, before and after of different lengths');
      break;
    case 'segmentNote':
      need(isCount(record.segment) && typeof record.note === 'string' && Array.isArray(record.tags), 'no segment, note or tags');
      break;
    default:
      throw new Error(`is of an unknown kind '${String(record.kind)}' (written by a newer Membrana?)`);
  }
  return record as unknown as JournalRecord;
}

/** A typed array's bytes in little-endian order (a view on little-endian hosts). */
function littleEndianBytes(array: Uint32Array | Uint8Array): Uint8Array {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (HOST_LITTLE_ENDIAN || array instanceof Uint8Array) return bytes;
  const out = new Uint8Array(array.byteLength);
  const view = new DataView(out.buffer);
  array.forEach((value, i) => view.setUint32(i * 4, value, true));
  return out;
}

/** A fresh, aligned typed array from little-endian bytes. */
function typedArray(type: SectionType, bytes: Uint8Array, field: string): Uint32Array | Uint8Array {
  if (type === 'Uint8Array') return bytes.slice();
  if (bytes.byteLength % 4 !== 0) throw new Error(`its section '${field}' is not a whole number of 32-bit values`);
  if (HOST_LITTLE_ENDIAN) return new Uint32Array(bytes.slice().buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Uint32Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getUint32(i * 4, true));
}
