import { createHash } from 'node:crypto';
import { GRAPH_DIGEST_KEY, ONNX_EXPORT_VERSION, ONNX_PRODUCER, SOURCE_DIGEST_KEY } from './exportOnnx.js';
import { readProtoFields } from './readProtoFields.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * What is wrong with a model.onnx, in words, or null when it is whole and made by this exporter
 * from the weights whose sourceDigest is `source`. Reads the ModelProto's top-level fields only
 * and hashes the graph's bytes against the digest written beside them: a truncated or damaged
 * file, one from other weights (stale) and one from another exporter version are each told
 * apart, at the cost of one SHA-256 pass, without decoding the weights.
 */
export function onnxFileProblem(bytes: Uint8Array, source: string): string | null {
  let graph: Uint8Array | null = null;
  let producer = '';
  let version = '';
  const metadata = new Map<string, string>();
  try {
    for (const { field, value } of readProtoFields(bytes)) {
      if (!(value instanceof Uint8Array)) continue;
      if (field === 7) graph = value;
      else if (field === 2) producer = utf8.decode(value);
      else if (field === 3) version = utf8.decode(value);
      else if (field === 14) {
        let key = '';
        let text = '';
        for (const entry of readProtoFields(value)) {
          if (!(entry.value instanceof Uint8Array)) continue;
          if (entry.field === 1) key = utf8.decode(entry.value);
          else if (entry.field === 2) text = utf8.decode(entry.value);
        }
        metadata.set(key, text);
      }
    }
  } catch (error) {
    return `it is not a readable ONNX file (${(error as Error).message})`;
  }
  if (producer !== ONNX_PRODUCER || !graph) return producer ? `it was not written by Membrana (producer "${producer}")` : 'it is not a Membrana ONNX model (truncated or damaged)';
  if (version !== ONNX_EXPORT_VERSION) return `it was written by ONNX exporter version ${version}, not ${ONNX_EXPORT_VERSION}`;
  if (metadata.get(GRAPH_DIGEST_KEY) !== createHash('sha256').update(graph).digest('hex')) return 'its graph does not match its checksum (damaged)';
  if (metadata.get(SOURCE_DIGEST_KEY) !== source) return 'it was made from other weights (stale)';
  return null;
}
