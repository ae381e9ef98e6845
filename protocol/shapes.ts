/**
 * Run-time shapes for values that cross the process boundary: each checks an unknown value and
 * says, in words, what is wrong and where (`args.path must be a string, not null`). A shape's
 * type parameter is the TypeScript type it admits, so a table of shapes can be checked against
 * the contract's declarations with `satisfies`, and the two cannot drift apart.
 */
export interface Shape<T> {
  /** Null when the value fits; else what is wrong, naming the value by `path`. */
  check(value: unknown, path: string): string | null;
  /** Phantom, invariant in T: only for the type checker. */
  readonly type?: (value: T) => T;
}

/** Any shape, whatever it admits (Shape<T> is invariant in T, so Shape<unknown> would not do). */
interface AnyShape {
  check(value: unknown, path: string): string | null;
}

type Infer<S> = S extends Shape<infer T> ? T : never;
type OptionalKeys<P> = { [K in keyof P]: P[K] extends { readonly optional: true } ? K : never }[keyof P];
type ObjectOf<P> = { [K in Exclude<keyof P, OptionalKeys<P>>]: Infer<P[K]> } & { [K in OptionalKeys<P>]?: Infer<P[K]> };
type Flatten<T> = { [K in keyof T]: T[K] };

export interface Optional<T> extends Shape<T> {
  readonly optional: true;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  if (typeof value === 'string') return value.length > 40 ? 'a long string' : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : (typeof value as string);
}

const simple = <T>(what: string, test: (value: unknown) => boolean): Shape<T> => ({
  check: (value, path) => (test(value) ? null : `${path} must be ${what}, not ${describe(value)}`),
});

export const string = (): Shape<string> => simple('a string', (v) => typeof v === 'string');
export const boolean = (): Shape<boolean> => simple('true or false', (v) => typeof v === 'boolean');
/** A finite number. */
export const number = (): Shape<number> => simple('a finite number', (v) => typeof v === 'number' && Number.isFinite(v));
/** A whole number from 0 up (slice indices, counts, ids). */
export const index = (): Shape<number> => simple('a whole number ≥ 0', (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
export const uint8Array = (): Shape<Uint8Array> => simple('a Uint8Array', (v) => v instanceof Uint8Array);
export const uint32Array = (): Shape<Uint32Array> => simple('a Uint32Array', (v) => v instanceof Uint32Array);

export function literal<const L extends readonly (string | number)[]>(...values: L): Shape<L[number]> {
  return simple(`one of ${values.map((v) => JSON.stringify(v)).join(', ')}`, (v) => values.includes(v as L[number]));
}

export function optional<T>(shape: Shape<T>): Optional<T> {
  return { optional: true, check: (value, path) => (value === undefined ? null : shape.check(value, path)) };
}

export function array<T>(item: Shape<T>, maxLength = 1e7): Shape<T[]> {
  return {
    check(value, path) {
      if (!Array.isArray(value)) return `${path} must be a list, not ${describe(value)}`;
      if (value.length > maxLength) return `${path} has ${value.length} items; at most ${maxLength} are allowed`;
      for (let i = 0; i < value.length; i++) {
        const problem = item.check(value[i], `${path}[${i}]`);
        if (problem) return problem;
      }
      return null;
    },
  };
}

/** A plain object with exactly these keys (unknown keys are refused: they are a caller's mistake). */
export function object<P extends Record<string, AnyShape>>(properties: P): Shape<Flatten<ObjectOf<P>>> {
  return {
    check(value, path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) return `${path} must be an object, not ${describe(value)}`;
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (!Object.prototype.hasOwnProperty.call(properties, key)) return `${path} has an unknown field "${key}"`;
      }
      for (const [key, shape] of Object.entries(properties)) {
        const problem = shape.check(record[key], `${path}.${key}`);
        if (problem) return problem;
      }
      return null;
    },
  };
}

/** One of several object shapes, told apart by their `kind` field. */
export function tagged<U extends { kind: string }>(variants: { [K in U['kind']]: Shape<Extract<U, { kind: K }>> }): Shape<U> {
  return {
    check(value, path) {
      const kind = (value as { kind?: unknown } | null)?.kind;
      if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(variants, kind)) {
        return `${path}.kind must be one of ${Object.keys(variants).map((k) => JSON.stringify(k)).join(', ')}, not ${describe(kind)}`;
      }
      return (variants as Record<string, AnyShape>)[kind]!.check(value, path);
    },
  };
}

/** No arguments: an empty object (or nothing at all). */
export const none = (): Shape<Record<string, never>> => ({
  check: (value, path) =>
    value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0)
      ? null
      : `${path} must be empty, not ${describe(value)}`,
});
