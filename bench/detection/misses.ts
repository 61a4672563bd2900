// Lists the unit-goal misses (×60/×100/×1000, or ÷ with --reciprocal) of a few seeds: which entity, its level, the injected factor and what was found
// instead (day and factor of the first matching finding). `tsx bench/detection/misses.ts --seeds=1,2,3`.
import { replaySeed } from './index.js';
import { scoreSeeds } from './score.js';

const arg = process.argv.find((a) => a.startsWith('--seeds='));
const seeds = (arg ? arg.slice(8) : '1,2,3,4').split(',').map(Number);
const reciprocal = process.argv.includes('--reciprocal');
let total = 0;
let caught = 0;
for (const seed of seeds) {
  const r = replaySeed(seed);
  for (const l of r.panel.labels) {
    if (l.class !== 'unit') continue;
    const f = Number(l.params['factor']);
    if (f === 10) continue;
    for (const e of l.entities) {
      const level = r.panel.levels.get(l.metric)!.get(e)!;
      if (level < 100 || f < 1 !== reciprocal) continue;
      total++;
      const hit = r.entityHits.get(`${l.id}|${e}`);
      const ok =
        hit &&
        hit.day - l.onset <= 2 &&
        typeof hit.factor === 'number' &&
        Math.abs(Math.log(hit.factor / f)) < 1e-9;
      if (ok) {
        caught++;
        continue;
      }
      const evs = r.events
        .filter((ev) => ev.metric === l.metric && ev.entities.includes(e))
        .slice(0, 4)
        .map((ev) => `${ev.dataDay} ${ev.rule}/${ev.severity} f=${String(ev.evidence['factor'])}`);
      console.log(
        `seed ${seed} ${l.metric} ${l.subtype} onset ${l.onset} entity ${e} level ${level.toFixed(0)} ` +
          `hit ${hit ? `${hit.day - l.onset}d f=${String(hit.factor)}` : 'none'} | ${evs.join('; ')}`,
      );
    }
  }
  for (const b of scoreSeeds([r]).blockFalseAlarmList)
    console.log(
      `seed ${seed} block false alarm: ${b.metric} day ${b.day} ${b.kind} on ${b.entities.join(', ')}`,
    );
  console.log(`seed ${seed} done: ${caught}/${total} named within 2 days so far`);
}
