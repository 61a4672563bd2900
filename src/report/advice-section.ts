// The report's retrain section: per model, "fit to retrain on the last 28 days?", with the spans on a timeline.
import type { Advice, AdviceSpan, SpanWeight, Verdict } from '../advisor/advice.js';
import { daysBetween } from '../core/clock.js';
import { esc, text, type RenderContext } from './html.js';

const VERDICT_STATE: Record<Verdict, 'ok' | 'warn' | 'blocked'> = {
  retrain: 'ok',
  'retrain after fixes': 'warn',
  'do not retrain yet': 'blocked',
  'could not verify': 'warn',
};

const WEIGHT_COLOUR: Record<SpanWeight, string> = {
  fix: '#d1242f',
  wait: '#bf8700',
  investigate: '#8250df',
  decided: '#8c959f',
  note: '#54aeff',
};

const WIDTH = 560;
const LABEL = 230;
const ROW = 16;

/** Spans of one model as bars over the window, one row per feature input. */
function timeline(ctx: RenderContext, a: Advice): string {
  const inputs = a.inputs.filter((i) =>
    a.spans.some((s) => s.feature === i.feature && s.metric === i.metric && s.source === i.source),
  );
  if (inputs.length === 0) return '';
  const days = daysBetween(a.window.from, a.window.to) + 1;
  const x = (day: string) => LABEL + (daysBetween(a.window.from, day) / days) * (WIDTH - LABEL);
  const rows = inputs.map((input, r) => {
    const y = 18 + r * ROW;
    const bars = a.spans
      .filter(
        (s) =>
          s.feature === input.feature &&
          s.source === input.source &&
          s.metric === input.metric &&
          s.kind !== 'sunset',
      )
      .map((s: AdviceSpan) => {
        const x0 = x(s.from);
        const w = Math.max(2, x(s.to) + (WIDTH - LABEL) / days - x0);
        return `<rect x="${x0.toFixed(1)}" y="${y - 10}" width="${w.toFixed(1)}" height="10" fill="${WEIGHT_COLOUR[s.weight]}" opacity="0.85"><title>${text(ctx, `${s.kind} ${s.entity} ${s.from}..${s.to}: ${s.reason}`)}</title></rect>`;
      })
      .join('');
    return `<text x="0" y="${y}" font-size="11">${esc(`${input.feature} · ${input.metric}`.slice(0, 38))}</text>${bars}`;
  });
  const height = 24 + inputs.length * ROW;
  return `<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="unfit spans of ${esc(a.model ?? '')}">
<rect x="${LABEL}" y="4" width="${WIDTH - LABEL}" height="${height - 8}" fill="#f6f8fa"/>${rows.join('\n')}
<text x="${LABEL}" y="${height}" font-size="10" fill="#57606a">${esc(a.window.from)}</text><text x="${WIDTH}" y="${height}" font-size="10" fill="#57606a" text-anchor="end">${esc(a.window.to)}</text>
</svg><figcaption>Red: fix before training; amber: wait; grey: covered by a decision; blue: note.</figcaption></figure>`;
}

function spanRows(ctx: RenderContext, a: Advice): string {
  if (a.spans.length === 0) return '<p class="empty">No unfit span in the window.</p>';
  const rows = a.spans.map(
    (s) =>
      `<tr><td>${esc(s.weight)}</td><td>${esc(s.kind)}</td><td>${esc(s.feature)}</td><td><code>${esc(`${s.source}/${s.metric}`)}</code></td><td>${esc(s.entity)}</td><td class="num">${esc(`${s.from}..${s.to}`)}</td><td>${esc(s.action === 'rescale' && s.factor !== undefined ? `rescale ×${s.factor}` : s.action)}</td><td>${text(ctx, s.reason)}</td></tr>`,
  );
  return `<table><thead><tr><th></th><th>span</th><th>feature</th><th>input</th><th>entity</th><th>days</th><th>action</th><th>why</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The retrain section: one block per model with its verdict for the window, the spans on a timeline and as a table.
 * Empty when no feature declares a model.
 *
 * @example
 * adviceSection(ctx, [advice]) // '<section id="retrain"><h2>Fit to retrain? …'
 */
export function adviceSection(ctx: RenderContext, advice: readonly Advice[]): string {
  if (advice.length === 0) return '';
  const blocks = advice.map((a) => {
    const state = VERDICT_STATE[a.verdict];
    const extra = a.retrainFrom
      ? ` <span class="dim">on a window ending ${esc(a.retrainFrom)} or later</span>`
      : '';
    return `<h3>model ${esc(a.model ?? '')}: fit to retrain on ${esc(a.window.from)}..${esc(a.window.to)}?</h3>
<p class="verdict" data-advice="${esc(a.verdict)}"><span class="badge state-${state}">${esc(a.verdict)}</span>${extra}</p>
${timeline(ctx, a)}
${spanRows(ctx, a)}`;
  });
  return `<section id="retrain"><h2>Fit to retrain? <span class="count">the last 28 days, per model — upwatch advise and upwatch mask give the fixes</span></h2>
${blocks.join('\n')}
</section>`;
}
