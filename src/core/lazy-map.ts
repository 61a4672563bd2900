// A read-only map whose values are made when first read: a history's point objects, built only for a reader that asks.

/**
 * A `ReadonlyMap` over a fixed list of keys whose value for a key is made by `make` the first time it is read (`get`,
 * `values`, `entries`, `forEach`, iteration) and kept; `has`, `size` and `keys` never make one. A history hands its
 * points this way, so a detector that reads only the columns never pays for point objects.
 *
 * @example
 * const points = new LazyMap(['p1', 'p2'], (i, entity) => readPoints(entity));
 * points.has('p2'); // true, nothing made
 * points.get('p1'); // made now, the same array on every later read
 */
export class LazyMap<V> implements ReadonlyMap<string, V> {
  #index: Map<string, number>;
  #keys: readonly string[];
  #made: (V | undefined)[];
  readonly #make: (i: number, key: string) => V;

  /** `keys` in iteration order (no repeats); `make(i, keys[i])` gives a key's value when it is first read. */
  constructor(keys: readonly string[], make: (i: number, key: string) => V) {
    this.#keys = keys;
    this.#index = new Map<string, number>();
    for (let i = 0; i < keys.length; i++) this.#index.set(keys[i]!, i);
    this.#made = new Array<V | undefined>(keys.length);
    this.#make = make;
  }

  get size(): number {
    return this.#keys.length;
  }

  has(key: string): boolean {
    return this.#index.has(key);
  }

  get(key: string): V | undefined {
    const i = this.#index.get(key);
    return i === undefined ? undefined : this.#at(i);
  }

  /**
   * Another lazy map over the same keys (sharing their index), its values made by `make`.
   *
   * @example
   * const columns = points.withSameKeys((i, entity) => readColumns(entity));
   */
  withSameKeys<W>(make: (i: number, key: string) => W): LazyMap<W> {
    const other = new LazyMap<W>([], make);
    other.#keys = this.#keys;
    other.#index = this.#index;
    other.#made = new Array<W | undefined>(this.#keys.length);
    return other;
  }

  /** Whether the value of `key` has been made (for tests and benchmarks: what a reader asked for). */
  isMade(key: string): boolean {
    const i = this.#index.get(key);
    return i !== undefined && this.#made[i] !== undefined;
  }

  keys(): MapIterator<string> {
    return this.#index.keys();
  }

  *values(): MapIterator<V> {
    for (let i = 0; i < this.#keys.length; i++) yield this.#at(i);
  }

  *entries(): MapIterator<[string, V]> {
    for (let i = 0; i < this.#keys.length; i++) yield [this.#keys[i]!, this.#at(i)];
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    for (let i = 0; i < this.#keys.length; i++) callback.call(thisArg, this.#at(i), this.#keys[i]!, this);
  }

  get [Symbol.toStringTag](): string {
    return 'LazyMap';
  }

  #at(i: number): V {
    let v = this.#made[i];
    if (v === undefined) this.#made[i] = v = this.#make(i, this.#keys[i]!);
    return v;
  }
}
