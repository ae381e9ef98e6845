/** One field of a protobuf message: a number for varint and fixed-width fields, the bytes (a view, not a copy) for length-delimited ones. */
export interface ProtoField {
  field: number;
  wire: number;
  value: number | Uint8Array;
}

/**
 * The top-level fields of a protobuf message, in order, without a schema. Enough to check an
 * ONNX file's header and metadata without decoding its weights; a malformed or truncated
 * message throws a RangeError saying where.
 */
export function readProtoFields(bytes: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (at >= bytes.length) throw new RangeError(`Protobuf message ends inside a varint at byte ${at}.`);
      const b = bytes[at++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(value)) throw new RangeError(`Protobuf varint at byte ${at} is beyond 2^53.`);
        return value;
      }
      scale *= 128;
    }
    throw new RangeError(`Protobuf varint at byte ${at} is longer than 10 bytes.`);
  };
  const take = (n: number): Uint8Array => {
    if (at + n > bytes.length) throw new RangeError(`Protobuf field at byte ${at} needs ${n} bytes but the message ends at ${bytes.length}.`);
    const out = bytes.subarray(at, at + n);
    at += n;
    return out;
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 0) throw new RangeError(`Protobuf field number 0 at byte ${at}.`);
    let value: number | Uint8Array;
    if (wire === 0) value = varint();
    else if (wire === 2) value = take(varint());
    else if (wire === 5) {
      const b = take(4);
      value = new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
    } else if (wire === 1) {
      const b = take(8);
      const v = new DataView(b.buffer, b.byteOffset, 8);
      value = v.getUint32(0, true) + v.getUint32(4, true) * 2 ** 32;
    } else throw new RangeError(`Protobuf wire type ${wire} (field ${field}) at byte ${at} is not supported.`);
    fields.push({ field, wire, value });
  }
  return fields;
}
