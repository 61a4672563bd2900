// A child process for the channel relay-kill test: delivers the due Slack and webhook rows of a store at a fixed instant.
import { deliverDue } from '../../src/alerts/deliver.js';
import { ManualClock } from '../../src/core/clock.js';
import { openStore } from '../../src/store/store.js';

const [path, now, variables] = process.argv.slice(2);
if (!path || !now || !variables) throw new Error('usage: channel-relay-child.ts DB NOW VARIABLES_JSON');
const env = JSON.parse(variables) as Record<string, string>;
const store = openStore(path);
const round = await deliverDue({ store, channels: { resolve: (n) => env[n] }, clock: new ManualClock(now) });
await store.close();
process.stdout.write(`${JSON.stringify(round)}\n`);
