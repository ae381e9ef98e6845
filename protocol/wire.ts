/**
 * Binary framing for RpcMessages over byte streams (the serve-mode WebSocket): buffers inside a
 * message travel as raw bytes after a small JSON header, never as JSON arrays.
 *
 * Frame: 'MBR1' | u32 header length | header JSON (UTF-8) | padding to 8 | buffer 0 | pad | buffer 1 ...
 * In the header every ArrayBuffer or typed array is replaced by {"$buffer": index, "$type": name}.
 */

const MAGIC = 0x3152424d; // 'MBR1' little-endian

type TypedArrayName =
  | 'ArrayBuffer'
  | 'Uint8Array'
  | 'Uint8ClampedArray'
  | 'Int8Array'
  | 'Uint16Array'
  | 'Int16Array'
  | 'Uint32Array'
  | 'Int32Array'
  | 'Float32Array'
  | 'Float64Array';

const TYPED_ARRAYS = {
  Uint8Array,
  Uint8ClampedArray,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
} as const;

interface BufferRef {
  $buffer: number;
  $type: TypedArrayName;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

export function encodeFrame(message: unknown): Uint8Array<ArrayBuffer> {
  const buffers: Uint8Array[] = [];
  const header = JSON.stringify(message, function replacer(this: unknown, _key, value: unknown) {
    if (value instanceof ArrayBuffer) {
      buffers.push(new Uint8Array(value));
      return { $buffer: buffers.length - 1, $type: 'ArrayBuffer' } satisfies BufferRef;
    }
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      buffers.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      return { $buffer: buffers.length - 1, $type: value.constructor.name as TypedArrayName } satisfies BufferRef;
    }
    return value;
  });
  const headerBytes = new TextEncoder().encode(header);
  let size = align8(8 + headerBytes.length);
  const offsets = buffers.map((b) => {
    const at = size;
    size = align8(size + b.byteLength);
    return at;
  });
  // Buffer lengths go in a table after the header so the decoder needs no guessing.
  const tableAt = size;
  size += 8 * buffers.length;
  const frame = new Uint8Array(size);
  const view = new DataView(frame.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, headerBytes.length, true);
  frame.set(headerBytes, 8);
  buffers.forEach((b, i) => {
    frame.set(b, offsets[i]);
    view.setFloat64(tableAt + 8 * i, b.byteLength, true);
  });
  return frame;
}

export function decodeFrame(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || view.getUint32(0, true) !== MAGIC) {
    throw new Error('Not a Membrana message frame (bad magic); the peer speaks another protocol version.');
  }
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.byteLength) throw new Error('Truncated Membrana message frame.');
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
  const refs: BufferRef[] = [];
  const parsed: unknown = JSON.parse(header, (_key, value: unknown) => {
    if (isBufferRef(value)) refs.push(value);
    return value;
  });
  let at = align8(8 + headerLength);
  const lengths: number[] = [];
  const tableAt = bytes.byteLength - 8 * refs.length;
  for (let i = 0; i < refs.length; i++) lengths.push(view.getFloat64(tableAt + 8 * i, true));
  const decoded: unknown[] = lengths.map((length, i) => {
    if (at + length > tableAt) throw new Error('Truncated Membrana message frame (buffer past end).');
    // An aligned, owned copy (Uint8Array's slice copies even when `bytes` is a Node Buffer, whose slice does not).
    const copy = Uint8Array.prototype.slice.call(bytes, at, at + length).buffer;
    at = align8(at + length);
    const type = refs.find((r) => r.$buffer === i)?.$type ?? 'ArrayBuffer';
    return type === 'ArrayBuffer' ? copy : new TYPED_ARRAYS[type](copy);
  });
  return revive(parsed, decoded);
}

function isBufferRef(value: unknown): value is BufferRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as BufferRef).$buffer === 'number' &&
    typeof (value as BufferRef).$type === 'string'
  );
}

function revive(value: unknown, buffers: unknown[]): unknown {
  if (isBufferRef(value)) return buffers[value.$buffer];
  if (Array.isArray(value)) return value.map((v) => revive(v, buffers));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = revive(v, buffers);
    return out;
  }
  return value;
}

/** Every ArrayBuffer inside a message, for postMessage transfer lists. */
export function collectTransferables(value: unknown, out: ArrayBuffer[] = [], seen = new Set<unknown>()): ArrayBuffer[] {
  if (value === null || typeof value !== 'object' || seen.has(value)) return out;
  seen.add(value);
  if (value instanceof ArrayBuffer) {
    if (!out.includes(value)) out.push(value);
  } else if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && !out.includes(value.buffer)) out.push(value.buffer);
  } else {
    for (const v of Object.values(value)) collectTransferables(v, out, seen);
  }
  return out;
}
