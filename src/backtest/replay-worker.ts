// Worker thread of a parallel replay: replays the chunks of days the main thread hands it, through the same per-day
// step as replayFindings, and posts each day's findings back; the findings lifecycle stays in the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import type { ContractSet, MetricKind } from '../core/contract.js';
import type { Finding } from '../core/finding.js';
import { detectDay, replaySources, seedPolls } from './replay.js';
import { historyOf, type SharedHistory } from './shared-history.js';

/** What every worker is started with. */
export interface ReplayWorkerData {
  history: SharedHistory;
  contracts: ContractSet | undefined;
  /** First data day a replay judges (after the warm-up). */
  firstJudged: number;
  /** Current run of each chunk: a worker stops a chunk whose run is no longer current. */
  runs: Int32Array;
}

/** A chunk to replay, assuming the regimes it starts with (source → metric → ISO start day). */
export interface ChunkTask {
  chunk: number;
  run: number;
  from: number;
  to: number;
  regimes: [source: string, regimes: [metric: string, day: string][]][];
}

/** One source's poll of a replayed day. */
export interface SourceDay {
  findings: Finding[];
  /** Kinds fixed on this day (the main thread reports each metric's once). */
  kinds: [metric: string, kind: MetricKind][];
}

/** What a worker posts: a replayed day (sources in the replay's order), or the end of a chunk's run. */
export type WorkerMessage =
  | { type: 'day'; chunk: number; run: number; d: number; sources: SourceDay[] }
  | { type: 'done'; chunk: number; run: number };

const data = workerData as ReplayWorkerData;
const port = parentPort!;

function replayChunk(task: ChunkTask): void {
  // Fresh columns per run: nothing cached on another run's days is carried in.
  const set = historyOf(data.history);
  const sources = replaySources(set, data.contracts);
  const assumed = new Map(task.regimes);
  for (const src of sources) {
    src.regimes = new Map(assumed.get(src.name) ?? []);
    seedPolls(src, data.firstJudged, task.from);
  }
  for (let d = task.from; d <= task.to; d++) {
    if (Atomics.load(data.runs, task.chunk) !== task.run) break;
    const day = sources.map((src): SourceDay => {
      const kinds: SourceDay['kinds'] = [];
      const findings = detectDay(set, src, d, { onKind: (_s, metric, kind) => kinds.push([metric, kind]) });
      return { findings, kinds };
    });
    port.postMessage({
      type: 'day',
      chunk: task.chunk,
      run: task.run,
      d,
      sources: day,
    } satisfies WorkerMessage);
  }
  port.postMessage({ type: 'done', chunk: task.chunk, run: task.run } satisfies WorkerMessage);
}

port.on('message', (task: ChunkTask) => replayChunk(task));
