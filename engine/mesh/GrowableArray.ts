type TypedArray = Float32Array | Uint32Array | Float64Array;

/** An append-only typed array that doubles its capacity as it fills: meshes grow without number[] boxing. */
export class GrowableArray<T extends TypedArray> {
  #data: T;
  #length = 0;

  constructor(
    private readonly kind: { new (length: number): T },
    capacity = 1024,
  ) {
    this.#data = new kind(Math.max(capacity, 16));
  }

  /** The backing store; only the first `length` values are meaningful. */
  get data(): T {
    return this.#data;
  }

  get length(): number {
    return this.#length;
  }

  push1(value: number): void {
    if (this.#length === this.#data.length) this.#grow(1);
    this.#data[this.#length++] = value;
  }

  push(a: number, b: number, c: number): void {
    if (this.#length + 3 > this.#data.length) this.#grow(3);
    const data = this.#data;
    data[this.#length] = a;
    data[this.#length + 1] = b;
    data[this.#length + 2] = c;
    this.#length += 3;
  }

  /** A right-sized copy of the values pushed. */
  toArray(): T {
    return this.#data.slice(0, this.#length) as T;
  }

  #grow(needed: number): void {
    const bigger = new this.kind(Math.max(this.#data.length * 2, this.#length + needed));
    bigger.set(this.#data as never);
    this.#data = bigger;
  }
}
