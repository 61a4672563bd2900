// A child process for the crash test: writes polls to a store in a loop and prints each committed id.
import { openStore } from '../../src/store/store.js';
import type { RawObservation } from '../../src/core/observation.js';

const path = process.argv[2];
if (!path) throw new Error('usage: poll-writer.ts DB');
const store = openStore(path);
const PER_POLL = 200;
for (let n = 1; ; n++) {
  const observations: RawObservation[] = Array.from({ length: PER_POLL }, (_, i) => ({
    source: 'crash',
    metric: `m${i % 10}`,
    entity: `e${Math.floor(i / 10)}`,
    periodEnd: new Date(Date.UTC(2020, 0, 1) + n * 86_400_000).toISOString(),
    value: n * 1000 + i,
    jsonType: 'int',
  }));
  const poll = await store.recordPoll({
    source: 'crash',
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    outcome: 'ok',
    fetch: {
      observations,
      requests: [1, 2, 3].map((k) => ({
        method: 'GET',
        url: `http://x/${k}`,
        status: 200,
        latencyMs: 1,
        attempts: 1,
        headers: {},
      })),
      metricOutcomes: [
        { metric: 'm0', status: 'ok' },
        { metric: 'm1', status: 'ok' },
      ],
    },
  });
  process.stdout.write(`committed ${poll.id}\n`);
}
