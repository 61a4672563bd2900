import { replaySeed } from './index.js';
import { daysBetween } from '../../src/core/clock.js';
import { START } from './generate.js';
const r = replaySeed(1);
for (const ev of r.events) {
  const t = daysBetween(START, ev.dataDay);
  const lab = r.panel.labels.find((l) => l.metric === ev.metric && t >= l.onset);
  if (lab) continue;
  console.log(
    ev.dataDay,
    ev.severity,
    ev.rule,
    ev.metric,
    ev.entities.slice(0, 3).join(','),
    ev.entities.length,
    '|',
    ev.explanation.slice(0, 330),
  );
}
