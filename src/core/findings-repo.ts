// The findings port: what the findings logic and the gate ask of stored findings, whatever engine keeps them.
import type { FindingRecord, FindingStatus } from './finding-record.js';

/** Which findings `list` returns. */
export interface FindingsFilter {
  status?: readonly FindingStatus[];
  source?: string;
  limit?: number;
}

/**
 * Stored findings, one row per episode of a fingerprint. Asynchronous; writes join the caller's transaction.
 * `src/store/` implements it over SQLite (`store.findings`) and PostgreSQL.
 *
 * @example
 * const open = await store.findings.active('meta'); // open and acknowledged findings of `meta`, oldest first
 */
export interface FindingsRepo {
  /** Insert a new episode and return it with its id. */
  insert(f: Omit<FindingRecord, 'id'>): Promise<FindingRecord>;
  /** Rewrite every lifecycle and content column of an existing episode (identity columns stay). */
  update(f: FindingRecord): Promise<void>;
  /** Open and acknowledged findings, optionally of one source, oldest first. */
  active(source?: string): Promise<FindingRecord[]>;
  /** The highest episode stored for a fingerprint (0 when never seen). */
  lastEpisode(fingerprint: string): Promise<number>;
  /** The fingerprint's highest episode when it is resolved (undefined when open, acknowledged or never seen). */
  lastResolvedEpisode(fingerprint: string): Promise<FindingRecord | undefined>;
  /** One episode by id. */
  byId(id: number): Promise<FindingRecord | undefined>;
  /** One episode of a fingerprint. */
  episode(fingerprint: string, episode: number): Promise<FindingRecord | undefined>;
  /** The latest episode of every fingerprint starting with `prefix` (case-insensitive), by fingerprint. */
  byPrefix(prefix: string): Promise<FindingRecord[]>;
  /** Findings filtered by status and source, newest first. */
  list(filter?: FindingsFilter): Promise<FindingRecord[]>;
}

/** A store that hands out the findings port. */
export interface FindingsStore {
  readonly findings: FindingsRepo;
}
