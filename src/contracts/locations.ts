// Where each loaded entity came from: lets semantic rules point at any field of a source, metric, doc or feature.
import type { SourceLocation } from '../core/diagnostic.js';
import type { JsonPath, LocateAt, YamlDocument } from './yaml-source.js';

/** Locates a path relative to an entity object built by the loader; undefined for objects it did not build. */
export type EntityLocator = (entity: object, path?: JsonPath, at?: LocateAt) => SourceLocation | undefined;

interface Origin {
  doc: YamlDocument;
  base: JsonPath;
}

/**
 * The positions of the entities of one load. The loader registers each entity with its document and path;
 * rules ask `locate(metric, ['range', 'min'])`.
 *
 * @example
 * const positions = new EntityPositions(); positions.register(source, doc, []);
 * positions.locate(source, ['schedule']) // { file, line, col }
 */
export class EntityPositions {
  readonly #origins = new WeakMap<object, Origin>();

  register(entity: object, doc: YamlDocument, base: JsonPath): void {
    this.#origins.set(entity, { doc, base });
  }

  /** Position of `path` inside `entity` (the entity itself when path is empty). */
  readonly locate: EntityLocator = (entity, path = [], at = 'value') => {
    const origin = this.#origins.get(entity);
    return origin ? origin.doc.locate([...origin.base, ...path], at) : undefined;
  };
}
