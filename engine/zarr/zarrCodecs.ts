import zlib from 'node:zlib';
import * as zarr from 'zarrita';

/**
 * zarrita decodes gzip and zlib but cannot encode them, and blosc/zstd need WebAssembly
 * codecs that cannot encode either. Node's zlib does both, with no native dependency, so these
 * codecs replace zarrita's for the process. Gzip is the compressor every NGFF reader knows.
 */
class NodeGzipCodec {
  readonly kind = 'bytes_to_bytes';
  constructor(private readonly level: number) {}
  static fromConfig(config: { level?: number } | undefined): NodeGzipCodec {
    return new NodeGzipCodec(config?.level ?? 1);
  }
  encode(bytes: Uint8Array): Uint8Array {
    return new Uint8Array(zlib.gzipSync(bytes, { level: this.level }));
  }
  decode(bytes: Uint8Array): Uint8Array {
    return new Uint8Array(zlib.gunzipSync(bytes));
  }
}

class NodeZlibCodec {
  readonly kind = 'bytes_to_bytes';
  constructor(private readonly level: number) {}
  static fromConfig(config: { level?: number } | undefined): NodeZlibCodec {
    return new NodeZlibCodec(config?.level ?? 1);
  }
  encode(bytes: Uint8Array): Uint8Array {
    return new Uint8Array(zlib.deflateSync(bytes, { level: this.level }));
  }
  decode(bytes: Uint8Array): Uint8Array {
    return new Uint8Array(zlib.inflateSync(bytes));
  }
}

let registered = false;

/** Installs the Node gzip/zlib codecs in zarrita's registry (once per process). */
export function registerNodeCodecs(): void {
  if (registered) return;
  registered = true;
  const registry = zarr.registry as unknown as Map<string, () => unknown>;
  for (const name of ['gzip', 'numcodecs.gzip']) registry.set(name, () => NodeGzipCodec);
  for (const name of ['zlib', 'numcodecs.zlib']) registry.set(name, () => NodeZlibCodec);
}
