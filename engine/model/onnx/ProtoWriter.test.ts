import { describe, expect, it } from 'vitest';
import { ProtoWriter } from './ProtoWriter.js';
import { readProtoFields } from './readProtoFields.js';

const bytes = (w: ProtoWriter): number[] => Array.from(w.finish());

describe('ProtoWriter', () => {
  it('encodes as the protobuf specification\'s examples do', () => {
    // protobuf.dev/programming-guides/encoding: field 1 = 150 → 08 96 01; field 2 = "testing" → 12 07 74 65 73 74 69 6e 67.
    expect(bytes(new ProtoWriter().varint(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes(new ProtoWriter().string(2, 'testing'))).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    // field 3 holding a message whose field 1 = 150 → 1a 03 08 96 01.
    expect(bytes(new ProtoWriter().message(3, (m) => m.varint(1, 150)))).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
    // fixed32 float 1.0 (0x3f800000, little-endian) in field 2 → 15 00 00 80 3f.
    expect(bytes(new ProtoWriter().float(2, 1))).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    // Field numbers ≥ 16 take a two-byte key: field 20, varint → a0 01.
    expect(bytes(new ProtoWriter().varint(20, 7))).toEqual([0xa0, 0x01, 0x07]);
    expect(bytes(new ProtoWriter().varint(1, 0))).toEqual([0x08, 0x00]);
  });

  it('writes integers beyond 32 bits and long and nested fields, and reads back what it wrote', () => {
    const big = 2 ** 40 + 5;
    const payload = new Uint8Array(300).map((_, i) => i % 256);
    const w = new ProtoWriter()
      .varint(1, big)
      .bytes(2, payload)
      .message(3, (m) => m.message(4, (n) => n.string(5, 'ünïcode')).varint(6, 2 ** 31))
      .string(7, '');
    expect(w.length).toBe(w.finish().length);
    const fields = readProtoFields(w.finish());
    expect(fields.map((f) => [f.field, f.wire])).toEqual([
      [1, 0],
      [2, 2],
      [3, 2],
      [7, 2],
    ]);
    expect(fields[0]!.value).toBe(big);
    expect(Array.from(fields[1]!.value as Uint8Array)).toEqual(Array.from(payload));
    // A 300-byte length is a two-byte varint: ac 02.
    expect(Array.from(w.finish().subarray(7, 10))).toEqual([0x12, 0xac, 0x02]);
    const inner = readProtoFields(fields[2]!.value as Uint8Array);
    expect(inner.map((f) => f.field)).toEqual([4, 6]);
    expect(inner[1]!.value).toBe(2 ** 31);
    expect(new TextDecoder().decode(readProtoFields(inner[0]!.value as Uint8Array)[0]!.value as Uint8Array)).toBe('ünïcode');
    expect((fields[3]!.value as Uint8Array).length).toBe(0);
  });

  it('refuses what it cannot encode, naming the value', () => {
    expect(() => new ProtoWriter().varint(1, -1)).toThrow(/non-negative safe integers only, not -1/);
    expect(() => new ProtoWriter().varint(1, 1.5)).toThrow(/not 1\.5/);
    expect(() => new ProtoWriter().varint(0, 1)).toThrow(/field number 0/);
  });
});

describe('readProtoFields', () => {
  it('says where a truncated or malformed message goes wrong', () => {
    const whole = new ProtoWriter().varint(1, 150).string(2, 'testing').finish();
    expect(() => readProtoFields(whole.subarray(0, 2))).toThrow(/ends inside a varint at byte 2/);
    expect(() => readProtoFields(whole.subarray(0, 8))).toThrow(/needs 7 bytes but the message ends at 8/);
    expect(() => readProtoFields(Uint8Array.of(0x0b))).toThrow(/wire type 3/);
    expect(() => readProtoFields(Uint8Array.of(0x00))).toThrow(/field number 0/);
    expect(readProtoFields(new Uint8Array(0))).toEqual([]);
  });
});
