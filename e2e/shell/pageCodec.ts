/**
 * Carries RpcMessages between a page and Node through Playwright (whose bindings and evaluate
 * take JSON): buffers and typed arrays become {$b: type, d: base64}. The function is also
 * injected into the page by its source, so it uses only what both sides have (btoa, atob).
 */
export function pageCodec(): { encode(value: unknown): unknown; decode(value: unknown): unknown } {
  const views: Record<string, new (buffer: ArrayBuffer) => ArrayBufferView> = {
    Uint8Array,
    Uint8ClampedArray,
    Int8Array,
    Uint16Array,
    Int16Array,
    Uint32Array,
    Int32Array,
    Float32Array,
    Float64Array,
  };
  const toBase64 = (bytes: Uint8Array): string => {
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  };
  const fromBase64 = (text: string): ArrayBuffer => {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  };
  const encode = (value: unknown): unknown => {
    if (value instanceof ArrayBuffer) return { $b: 'ArrayBuffer', d: toBase64(new Uint8Array(value)) };
    if (ArrayBuffer.isView(value)) return { $b: value.constructor.name, d: toBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
    if (Array.isArray(value)) return value.map(encode);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
    return value;
  };
  const decode = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(decode);
    if (value && typeof value === 'object') {
      const tagged = value as { $b?: string; d?: string };
      if (typeof tagged.$b === 'string' && typeof tagged.d === 'string') {
        const buffer = fromBase64(tagged.d);
        const View = views[tagged.$b];
        return View ? new View(buffer) : buffer;
      }
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
    }
    return value;
  };
  return { encode, decode };
}
