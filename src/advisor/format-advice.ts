// The advice in words: text for a terminal, markdown for a pull request or a ticket, JSON for a pipeline.
import type { Advice, AdviceSpan, SpanWeight } from './advice.js';
import { factorWords } from './span-context.js';
import { windowDays } from './window.js';

/** Output formats of `upwatch advise`. */
export const ADVICE_FORMATS = ['text', 'json', 'markdown'] as const;
export type AdviceFormat = (typeof ADVICE_FORMATS)[number];

const WEIGHT_LABEL: Record<SpanWeight, string> = {
  wait: 'WAIT',
  investigate: 'CHECK',
  fix: 'FIX',
  decided: 'decided',
  note: 'note',
};

function what(s: AdviceSpan): string {
  if (s.action === 'rescale' && s.factor !== undefined) return `rescale ${factorWords(s.factor)}`;
  if (s.kind === 'sunset') return `dies ${s.effectiveDate ?? s.from}`;
  if (s.kind === 'new-regime') return `wait until ${s.waitUntil ?? '?'}`;
  return s.action;
}

function subject(a: Advice): string {
  return a.model !== undefined ? `model ${a.model}` : a.features.join(', ');
}

function counts(a: Advice): string {
  const n = (w: SpanWeight) => a.spans.filter((s) => s.weight === w).length;
  return `${a.features.length} feature${a.features.length === 1 ? '' : 's'}, ${a.inputs.length} input${a.inputs.length === 1 ? '' : 's'}: ${n('fix')} to fix, ${n('wait')} to wait for,${n('investigate') > 0 ? ` ${n('investigate')} to investigate,` : ''} ${n('decided')} decided, ${n('note')} note${n('note') === 1 ? '' : 's'}`;
}

function tail(a: Advice): string[] {
  const out: string[] = [];
  for (const u of a.unverified)
    out.push(`could not verify ${u.source}/${u.metric}: no values in the window and nothing explains it`);
  for (const l of a.eventLinks)
    out.push(
      `finding ${l.finding.slice(0, 8)} (${l.rule} ${l.source}/${l.metric ?? '*'}, onset ${l.onset}) explained by event ${l.event}`,
    );
  if (a.retrainFrom) out.push(`retrain on a window ending ${a.retrainFrom} or later`);
  return out;
}

function byInput(
  a: Advice,
): Map<string, { feature: string; input: Advice['inputs'][number]; spans: AdviceSpan[] }> {
  const map = new Map<string, { feature: string; input: Advice['inputs'][number]; spans: AdviceSpan[] }>();
  for (const i of a.inputs)
    map.set(`${i.feature}\u0000${i.source}/${i.metric}`, { feature: i.feature, input: i, spans: [] });
  for (const s of a.spans) map.get(`${s.feature}\u0000${s.source}/${s.metric}`)?.spans.push(s);
  return map;
}

/**
 * The advice as text: the verdict first, then per feature and input the spans, one a line.
 *
 * @example
 * formatAdviceText(advice).split('\n')[0] // 'model ranker, 2026-03-01..2026-03-28: retrain after fixes'
 */
export function formatAdviceText(a: Advice): string {
  const days = windowDays(a.window);
  const out = [`${subject(a)}, ${a.window.from}..${a.window.to}: ${a.verdict}`, `  ${counts(a)}`];
  let feature = '';
  for (const { feature: f, input, spans } of byInput(a).values()) {
    if (f !== feature) out.push('', f);
    feature = f;
    out.push(
      `  ${input.source}/${input.metric}  (${input.daysWithData}/${days} days with values, ${input.entities} entities)`,
    );
    if (spans.length === 0) out.push('    ok');
    for (const s of spans) {
      out.push(
        `    ${WEIGHT_LABEL[s.weight].padEnd(7)} ${s.kind.padEnd(15)} ${s.entity} ${s.from}..${s.to}  ${what(s)}${s.finding ? `  [${s.finding.slice(0, 8)}]` : ''}`,
        `            ${s.reason}`,
      );
      if (s.replacement || s.relation)
        out.push(`            replacement: ${s.replacement ?? 'none known'} — ${s.relation ?? ''}`);
    }
  }
  const rest = tail(a);
  if (rest.length) out.push('', ...rest);
  return out.join('\n') + '\n';
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * The advice as markdown: a heading with the verdict and one table of spans.
 *
 * @example
 * formatAdviceMarkdown(advice).split('\n')[0] // '## Retrain advice: model ranker, 2026-03-01..2026-03-28'
 */
export function formatAdviceMarkdown(a: Advice): string {
  const out = [
    `## Retrain advice: ${subject(a)}, ${a.window.from}..${a.window.to}`,
    '',
    `**Verdict: ${a.verdict}** (${counts(a)})`,
    '',
  ];
  if (a.spans.length > 0) {
    out.push(
      '| | span | feature | input | entity | days | action | why |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const s of a.spans)
      out.push(
        `| ${WEIGHT_LABEL[s.weight]} | ${s.kind} | ${s.feature} | ${s.source}/${s.metric} | ${s.entity} | ${s.from}..${s.to} | ${what(s)} | ${cell(s.reason)} |`,
      );
    out.push('');
  } else out.push('No unfit span in the window.', '');
  for (const line of tail(a)) out.push(`- ${line}`);
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

/**
 * The advice as JSON: the Advice object with a schema version.
 *
 * @example
 * JSON.parse(formatAdviceJson(advice)).verdict // 'retrain after fixes'
 */
export function formatAdviceJson(a: Advice): string {
  return JSON.stringify({ schemaVersion: 1, ...a }, null, 2) + '\n';
}

/**
 * Format an advice as text, markdown or JSON.
 *
 * @example
 * io.stdout(formatAdvice(advice, 'markdown'));
 */
export function formatAdvice(a: Advice, format: AdviceFormat): string {
  if (format === 'json') return formatAdviceJson(a);
  return format === 'markdown' ? formatAdviceMarkdown(a) : formatAdviceText(a);
}
