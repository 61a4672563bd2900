// A child process for the relay-kill test: delivers what is due in a store at a fixed instant (killed mid-send).
import { deliverDue } from '../../src/alerts/deliver.js';
import { ManualClock } from '../../src/core/clock.js';
import { openStore } from '../../src/store/store.js';

const [path, smtpUrl, now] = process.argv.slice(2);
if (!path || !smtpUrl || !now) throw new Error('usage: relay-child.ts DB SMTP_URL NOW');
const store = openStore(path);
const round = await deliverDue({ store, smtpUrl, clock: new ManualClock(now) });
await store.close();
process.stdout.write(`${JSON.stringify(round)}\n`);
