// A memo kept on the object it is about, for results that must die with short-lived objects in the young generation.

/**
 * A value remembered per object, like a WeakMap keyed by it, but kept in a hidden (non-enumerable, symbol-keyed)
 * property of the object itself. V8's young-generation collector treats a WeakMap's values as live whatever becomes
 * of their keys, so a WeakMap holding a day's grid per history made a backtest copy and promote every grid (its
 * series, views and fits: 1.5 GB in a 300-entity replay) before a full collection could free it; a value on the
 * object dies with it. Not enumerable, so a copy made by spreading the object (`{ ...history }`) starts without
 * it, exactly as a new WeakMap key would. An object that cannot be extended (frozen) falls back to a WeakMap.
 *
 * @example
 * const frames = new MemoSlot<MetricHistory, MetricFrame>('frame');
 * frames.get(history) ?? frames.set(history, layGrid(history));
 */
export class MemoSlot<K extends object, V> {
  readonly #key: symbol;
  readonly #sealed = new WeakMap<K, V>();

  /** `name` only labels the hidden property (seen in a debugger). */
  constructor(name: string) {
    this.#key = Symbol(name);
  }

  get(object: K): V | undefined {
    const own = (object as Record<symbol, V | undefined>)[this.#key];
    return own !== undefined ? own : this.#sealed.get(object);
  }

  /** Forget the value of `object`. */
  forget(object: K): void {
    if (Object.isExtensible(object)) delete (object as Record<symbol, V | undefined>)[this.#key];
    else this.#sealed.delete(object);
  }

  /** Remember `value` for `object` and return it. */
  set(object: K, value: V): V {
    if (!Object.isExtensible(object)) {
      this.#sealed.set(object, value);
      return value;
    }
    Object.defineProperty(object, this.#key, {
      value,
      writable: true,
      configurable: true,
      enumerable: false,
    });
    return value;
  }
}
