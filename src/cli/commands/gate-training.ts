// `upwatch gate --for training --window FROM..TO`: may these features be trained on that window's history?
import type { Advice, AdviceSpan } from '../../advisor/advice.js';
import type { GateState } from '../../core/gate.js';
import { type CliIO, type ExitCode } from '../io.js';
import { adviceFromFlags, verdictExitCode, type AdviceFlags } from './advise-common.js';

/** One feature's state for training on the window, with the spans behind it. */
export interface TrainingGateFeature {
  feature: string;
  state: GateState;
  spans: AdviceSpan[];
}

/**
 * Per feature: `blocked` when a span must be fixed, waited for or investigated (a stale taxonomy), `warn` on notes or an input with no values,
 * else `ok`.
 *
 * @example
 * trainingGate(advice)[0] // { feature: 'views_7d', state: 'blocked', spans: [{ kind: 'scale-change', … }] }
 */
export function trainingGate(advice: Advice): TrainingGateFeature[] {
  return advice.features.map((feature) => {
    const spans = advice.spans.filter((s) => s.feature === feature);
    const unverified = advice.inputs.some(
      (i) =>
        i.feature === feature &&
        advice.unverified.some((u) => u.source === i.source && u.metric === i.metric),
    );
    const state: GateState = spans.some(
      (s) => s.weight === 'fix' || s.weight === 'wait' || s.weight === 'investigate',
    )
      ? 'blocked'
      : unverified || spans.some((s) => s.weight === 'note')
        ? 'warn'
        : 'ok';
    return { feature, state, spans };
  });
}

const LABEL = { ok: 'ok', warn: 'WARN', blocked: 'BLOCKED' } as const;

/** Run the training gate: print it and return the exit code (the advisor's: 0, 1 or 3). */
export async function runTrainingGate(io: CliIO, flags: AdviceFlags & { json?: boolean }): Promise<ExitCode> {
  const advice = await adviceFromFlags(io, flags);
  const features = trainingGate(advice);
  if (flags.json) {
    io.stdout(
      JSON.stringify(
        {
          for: 'training',
          window: advice.window,
          verdict: advice.verdict,
          features,
          unverified: advice.unverified,
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    const out: string[] = [];
    for (const f of features) {
      out.push(`${f.feature}  ${LABEL[f.state]}`);
      for (const s of f.spans)
        if (s.weight !== 'decided')
          out.push(
            `  ${s.weight.padEnd(4)}  ${s.kind}  ${s.source}/${s.metric} ${s.entity} ${s.from}..${s.to}: ${s.reason}`,
          );
    }
    for (const u of advice.unverified)
      out.push(`unverified  ${u.source}/${u.metric}: no values in the window`);
    out.push(
      `training on ${advice.window.from}..${advice.window.to}: ${advice.verdict} (upwatch advise for the fixes, upwatch mask for the rows)`,
    );
    io.stdout(out.join('\n') + '\n');
  }
  return verdictExitCode(advice.verdict);
}
