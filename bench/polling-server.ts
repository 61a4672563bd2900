// Child process for bench/polling.ts: the loopback Graph-like upstream, so its CPU is not charged to the poller.
import { startGraphServer } from '../test/helpers/graph-server.js';

const metrics = Number(process.argv[2] ?? '10');
const latencyMs = Number(process.argv[3] ?? '20');
const graph = await startGraphServer({
  token: 'bench-token',
  latencyMs,
  keepLog: false,
  metrics: Object.fromEntries(
    Array.from({ length: metrics }, (_, i) => [
      `page_metric_${i}`,
      (_p: string, day: string) => i * 100 + Number(day.slice(8)),
    ]),
  ),
});
process.stdout.write(`${graph.url}\n`);
process.on('message', (m) => {
  if (m === 'stats') process.send?.({ requests: graph.total(), peak: graph.peakConcurrency() });
  if (m === 'close') void graph.close().then(() => process.exit(0));
});
