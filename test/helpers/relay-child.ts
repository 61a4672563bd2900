// A child process for the relay tests: delivers what is due in a store (a SQLite file or a postgres:// URL) at a fixed
// instant, then prints the round (the relay-kill test kills it mid-send).
import { deliverDue } from '../../src/alerts/deliver.js';
import { ManualClock } from '../../src/core/clock.js';
import { openAnyStore } from '../../src/store/open.js';

const [path, smtpUrl, now] = process.argv.slice(2);
if (!path || !smtpUrl || !now) throw new Error('usage: relay-child.ts DB SMTP_URL NOW');
const store = await openAnyStore(path);
const round = await deliverDue({ store, smtpUrl, clock: new ManualClock(now) });
await store.close();
process.stdout.write(`${JSON.stringify(round)}\n`);
