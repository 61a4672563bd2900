// How evidence keys read where owners see them (mail, the report): the pipeline's own words replaced by plain ones.
const LABELS: Record<string, string> = {
  suppressed: 'also explains (not reported separately)',
  absorbed: 'other checks that saw the same',
};

/**
 * The label of an evidence key for text meant for owners. Keys stay as they are in the data (`--json`, the store);
 * only the pipeline's bookkeeping words are replaced.
 *
 * @example
 * evidenceLabel('suppressed') // 'also explains (not reported separately)'
 * evidenceLabel('factor') // 'factor'
 */
export function evidenceLabel(key: string): string {
  return LABELS[key] ?? key;
}
