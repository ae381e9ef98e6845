import type { JournalRecord } from '../journalFormat.js';

const TIME = '2025-01-02T03:04:05.678Z';

/** One record of each kind, with binary sections of several lengths (and an empty one). */
export function sampleRecords(): JournalRecord[] {
  return [
    { kind: 'edit', id: 1, z: 0, tool: 'brush', indices: Uint32Array.from([0, 5, 4_000_000_000]), before: Uint8Array.from([0, 0, 2]), after: Uint8Array.from([1, 1, 1]), time: TIME },
    { kind: 'edit', id: 2, z: 2, tool: 'fill ✓ ünïcode', indices: new Uint32Array(0), before: new Uint8Array(0), after: new Uint8Array(0), time: TIME },
    { kind: 'undo', id: 2, time: TIME },
    { kind: 'redo', id: 2, time: TIME },
    { kind: 'validation', z: 1, on: true, time: TIME },
    { kind: 'validation', z: 1, on: false, time: TIME },
  ];
}

/** An edit record whose size grows with n (n indices), for tests that need many distinct records. */
export function editRecord(id: number, n = 3): JournalRecord {
  const indices = Uint32Array.from({ length: n }, (_, i) => i * 3 + id);
  return { kind: 'edit', id, z: id % 4, tool: 'brush', indices, before: new Uint8Array(n), after: new Uint8Array(n).fill(1 + (id % 2)), time: TIME };
}
