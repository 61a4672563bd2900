// Replays a history over worker threads: the judged days split into consecutive chunks, one per worker, each worker
// assuming the regimes its chunk starts with; the main thread takes the days in order, runs the findings lifecycle,
// and replays a chunk again when the regimes it started with turn out to differ from what its worker assumed.
import { Worker } from 'node:worker_threads';
import { UpwatchError } from '../core/errors.js';
import { dayString } from '../detectors/stats/days.js';
import { planChunks, type DayChunk } from './day-chunks.js';
import type { HistorySet } from './history-set.js';
import {
  ReplayLifecycle,
  replayFindings,
  takeRegimes,
  type ReplayOptions,
  type ReplayResult,
} from './replay.js';
import type { ChunkTask, ReplayWorkerData, SourceDay, WorkerMessage } from './replay-worker.js';
import { shareHistory } from './shared-history.js';

/** Options of a parallel replay: those of replayFindings (bar custom detectors, which cannot cross threads). */
export interface ParallelReplayOptions extends Omit<ReplayOptions, 'detectors'> {
  /** Worker threads to split the days over; 1 (or a history too short to split) replays in this thread. */
  workers: number;
  /** Old-generation heap limit of each worker in MB (default: V8's); a worker past it stops the replay. */
  workerHeapMB?: number;
}

/**
 * Replay `set` as replayFindings does, with the detectors run on `workers` threads: the same events, in the same
 * order, and the same records. The lifecycle, `onKind`, `onDay` and `onFinding` run in this thread, in day order.
 * Rejects with a `WORKER_FAILED` UpwatchError when a worker thread fails (it crashed or ran out of memory).
 *
 * @example
 * const { events } = await replayFindingsParallel(set, { workers: availableParallelism() });
 */
export async function replayFindingsParallel(
  set: HistorySet,
  options: ParallelReplayOptions,
): Promise<ReplayResult> {
  const first = set.minDay + (options.warmupDays ?? 1);
  const chunks = Number.isFinite(set.minDay) ? planChunks(set, first, set.maxDay, options.workers) : [];
  if (chunks.length < 2) return replayFindings(set, options);
  return new ChunkedReplay(set, chunks, first, options).run();
}

/** source → metric → ISO day its regime started. */
type Regimes = Map<string, Map<string, string>>;

function sameRegimes(a: Regimes, b: Regimes): boolean {
  for (const [source, ma] of a) {
    const mb = b.get(source);
    if (ma.size !== (mb?.size ?? 0)) return false;
    for (const [metric, day] of ma) if (mb!.get(metric) !== day) return false;
  }
  return true;
}

function copyRegimes(r: Regimes): Regimes {
  return new Map([...r].map(([s, m]) => [s, new Map(m)]));
}

interface ChunkRun extends DayChunk {
  run: number;
  /** The regimes its worker was told the chunk starts with. */
  assumed: Regimes;
  /** Checked against the true regimes once every day before it was taken. */
  validated: boolean;
  days: (SourceDay[] | undefined)[];
}

/** The main thread's side of one parallel replay: workers, chunks, and the days taken in order. */
class ChunkedReplay {
  readonly #set: HistorySet;
  readonly #first: number;
  readonly #options: ParallelReplayOptions;
  readonly #chunks: ChunkRun[];
  readonly #lifecycle: ReplayLifecycle;
  readonly #sources: string[];
  /** The regimes as of the next day to take (what a sequential replay would hold). */
  readonly #regimes: Regimes;
  readonly #kindsSeen = new Set<string>();
  readonly #runs: Int32Array;
  #workers: Worker[] = [];
  #next: number;
  #chunk = 0;
  #arrived = 0;
  #settled = false;
  #resolve: (r: ReplayResult) => void = () => {};
  #reject: (e: unknown) => void = () => {};

  constructor(set: HistorySet, chunks: DayChunk[], first: number, options: ParallelReplayOptions) {
    this.#set = set;
    this.#first = first;
    this.#options = options;
    this.#sources = [...set.sources.keys()];
    this.#regimes = new Map(this.#sources.map((s) => [s, new Map<string, string>()]));
    this.#chunks = chunks.map((c) => ({
      ...c,
      run: 0,
      assumed: copyRegimes(this.#regimes),
      validated: false,
      days: [],
    }));
    this.#lifecycle = new ReplayLifecycle(options);
    this.#runs = new Int32Array(new SharedArrayBuffer(4 * chunks.length));
    this.#next = first;
  }

  run(): Promise<ReplayResult> {
    return new Promise<ReplayResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      const data: ReplayWorkerData = {
        history: shareHistory(this.#set),
        contracts: this.#options.contracts,
        firstJudged: this.#first,
        runs: this.#runs,
      };
      this.#progress();
      try {
        this.#workers = this.#chunks.map(() => this.#startWorker(data));
        this.#chunks.forEach((_, i) => this.#dispatch(i));
      } catch (e) {
        this.#fail(e);
      }
    });
  }

  #startWorker(workerData: ReplayWorkerData): Worker {
    const heap = this.#options.workerHeapMB;
    const settings = {
      workerData,
      ...(heap !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: heap } } : {}),
    };
    const worker = workerScript(settings);
    worker.on('message', (m: WorkerMessage) => this.#take(m));
    worker.on('error', (e) => this.#fail(workerError(e)));
    worker.on('messageerror', (e) => this.#fail(workerError(e)));
    worker.on('exit', (code) => this.#fail(workerError(new Error(`the thread exited with code ${code}`))));
    return worker;
  }

  #dispatch(i: number): void {
    const c = this.#chunks[i]!;
    const task: ChunkTask = {
      chunk: i,
      run: c.run,
      from: c.from,
      to: c.to,
      regimes: [...c.assumed].map(([s, m]) => [s, [...m]]),
    };
    this.#workers[i]!.postMessage(task);
  }

  #take(m: WorkerMessage): void {
    if (this.#settled || m.run !== this.#chunks[m.chunk]!.run || m.type === 'done') return;
    const c = this.#chunks[m.chunk]!;
    c.days[m.d - c.from] = m.sources;
    this.#arrived++;
    try {
      this.#progress();
      this.#drain();
    } catch (e) {
      this.#fail(e);
    }
  }

  #progress(): void {
    const total = this.#set.maxDay - this.#set.minDay + 1;
    this.#options.onProgress?.(this.#first - this.#set.minDay + this.#arrived, total);
  }

  /** Take every day that has arrived, in order, validating each chunk's assumed regimes as it is reached. */
  #drain(): void {
    while (this.#next <= this.#set.maxDay) {
      let c = this.#chunks[this.#chunk]!;
      if (this.#next > c.to) c = this.#chunks[++this.#chunk]!;
      if (!c.validated) {
        if (!sameRegimes(this.#regimes, c.assumed) || !sameRegimes(c.assumed, this.#regimes)) {
          this.#replayFrom(this.#chunk);
          return;
        }
        c.validated = true;
      }
      const day = c.days[this.#next - c.from];
      if (!day) return;
      c.days[this.#next - c.from] = undefined;
      this.#apply(this.#next, day);
      this.#next++;
    }
    this.#finish();
  }

  #apply(d: number, day: SourceDay[]): void {
    day.forEach(({ findings, kinds }, i) => {
      const source = this.#sources[i]!;
      for (const [metric, kind] of kinds) {
        const key = `${source}\u0000${metric}`;
        if (this.#kindsSeen.has(key)) continue;
        this.#kindsSeen.add(key);
        this.#options.onKind?.(source, metric, kind);
      }
      this.#options.onDay?.(dayString(d), source, findings);
      this.#lifecycle.apply(source, d, findings);
      takeRegimes(this.#regimes.get(source)!, findings);
    });
  }

  /**
   * The regimes chunk `i` starts with differ from its worker's assumption: replay it and every later chunk again
   * from the true regimes (regimes only move forward, so every later chunk's assumption was wrong as well).
   */
  #replayFrom(i: number): void {
    const truth = copyRegimes(this.#regimes);
    for (let j = i; j < this.#chunks.length; j++) {
      const c = this.#chunks[j]!;
      this.#arrived -= c.days.filter((x) => x !== undefined).length;
      c.run++;
      c.assumed = truth;
      c.validated = false;
      c.days = [];
      Atomics.store(this.#runs, j, c.run);
      this.#dispatch(j);
    }
    this.#progress();
  }

  #finish(): void {
    if (this.#settled) return;
    this.#settled = true;
    void Promise.all(this.#workers.map((w) => w.terminate())).then(() =>
      this.#resolve(this.#lifecycle.result()),
    );
  }

  #fail(e: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    void Promise.all(this.#workers.map((w) => w.terminate())).then(() => this.#reject(e));
  }
}

function workerError(e: unknown): UpwatchError {
  const err = e instanceof Error ? e : new Error(String(e));
  const oom = (err as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
  return new UpwatchError('WORKER_FAILED', `a backtest worker thread failed: ${err.message}`, {
    cause: err,
    hint: oom
      ? 'each worker holds its own part of the replay in memory: run with fewer --workers (--workers 1 replays in one thread)'
      : 'run with --workers 1 to replay in one thread; if that fails too, report it as a bug',
  });
}

/**
 * Start the replay worker: the compiled module next to this one, or, when this module runs from TypeScript source
 * (tests, tsx), the source module behind tsx's loader, registered in the worker before it loads.
 */
function workerScript(settings: ConstructorParameters<typeof Worker>[1]): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./replay-worker.js', here), settings);
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./replay-worker.ts', here).href;
  const boot =
    `import(${JSON.stringify(tsx)}).then((m) => { m.register(); ` +
    `return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...settings, eval: true });
}
