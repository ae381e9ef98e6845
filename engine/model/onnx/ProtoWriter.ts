const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

/**
 * A minimal protocol-buffers encoder: exactly what writing an ONNX ModelProto needs (varint
 * integers, 32-bit floats, strings, bytes and nested messages), so Membrana needs no protobuf
 * library. Fields are written in the order they are called, so the same calls give the same
 * bytes. Nested messages are kept as lists of parts and joined once by `finish`, so large
 * weight tensors are copied once, not once per nesting level.
 */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private scratch: number[] = [];
  private partsLength = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.partsLength + this.scratch.length;
  }

  /** A varint field (int32, int64, uint64, enum, bool). Non-negative integers up to 2^53 only. */
  varint(field: number, value: number): this {
    this.key(field, WIRE_VARINT);
    this.pushVarint(value);
    return this;
  }

  /** A fixed32 float field. */
  float(field: number, value: number): this {
    this.key(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.flushScratch();
    this.pushPart(bytes);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** A length-delimited field holding these bytes (kept by reference until `finish`). */
  bytes(field: number, value: Uint8Array): this {
    this.key(field, WIRE_LENGTH_DELIMITED);
    this.pushVarint(value.byteLength);
    this.flushScratch();
    this.pushPart(value);
    return this;
  }

  /** A nested message: `write` fills a fresh writer whose bytes become this field's value. */
  message(field: number, write: (inner: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    inner.flushScratch();
    this.key(field, WIRE_LENGTH_DELIMITED);
    this.pushVarint(inner.length);
    this.flushScratch();
    for (const part of inner.parts) this.pushPart(part);
    return this;
  }

  /** The encoded message as one array. */
  finish(): Uint8Array {
    this.flushScratch();
    const out = new Uint8Array(this.partsLength);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.byteLength;
    }
    return out;
  }

  private key(field: number, wire: number): void {
    if (!Number.isInteger(field) || field < 1 || field > 536_870_911) throw new RangeError(`Protobuf field number ${field} is out of range.`);
    this.pushVarint(field * 8 + wire);
  }

  private pushVarint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`ProtoWriter writes non-negative safe integers only, not ${value}.`);
    // Division, not bit shifts: shifts would truncate values above 2^31.
    let v = value;
    while (v >= 0x80) {
      this.scratch.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.scratch.push(v);
  }

  /** Small writes collect in `scratch` and become one part, instead of one tiny array each. */
  private flushScratch(): void {
    if (this.scratch.length === 0) return;
    const bytes = Uint8Array.from(this.scratch);
    this.scratch = [];
    this.pushPart(bytes);
  }

  private pushPart(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.partsLength += bytes.byteLength;
  }
}
