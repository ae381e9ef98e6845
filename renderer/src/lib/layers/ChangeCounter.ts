/**
 * A revision from a layer's inputs: the count goes up whenever one of them is not the same
 * (Object.is) as at the last look. Inputs are what the layer draws from: arrays changed in place
 * are listed with the revision of their owner, so a change in place is seen too. Reading the
 * inputs inside a Svelte effect subscribes it to them, which is how the viewer learns to repaint.
 */
export class ChangeCounter {
  #count = 0;
  #last: readonly unknown[] | null = null;

  /** The revision for these inputs. */
  of(inputs: readonly unknown[]): number {
    const last = this.#last;
    if (!last || last.length !== inputs.length || inputs.some((value, k) => !Object.is(value, last[k]))) {
      this.#last = inputs;
      this.#count++;
    }
    return this.#count;
  }
}
