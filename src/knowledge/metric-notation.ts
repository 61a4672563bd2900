// Meta's compact metric-list notation: `(_unique)` = with and without the suffix, `{a,b}` = alternatives, `*` = a marker.

/**
 * Expand one metric name as Meta prints it into the names it stands for (lower-cased, `*` stripped).
 *
 * @example
 * expandMetricNotation('page_views_logged_in_{total,unique}') // ['page_views_logged_in_total', 'page_views_logged_in_unique']
 * expandMetricNotation('page_content_activity(_unique)') // ['page_content_activity', 'page_content_activity_unique']
 * expandMetricNotation('post_impressions_fan_paid(_unique)*') // ['post_impressions_fan_paid', 'post_impressions_fan_paid_unique']
 */
export function expandMetricNotation(name: string): string[] {
  const clean = name.trim().replace(/\*/g, '').toLowerCase();
  if (clean === '') return [];
  const m = /\(([^()]*)\)|\{([^{}]*)\}/.exec(clean);
  if (!m) return [clean];
  const head = clean.slice(0, m.index);
  const tail = clean.slice(m.index + m[0].length);
  const options = m[1] !== undefined ? ['', m[1]] : m[2]!.split(',').map((s) => s.trim());
  const out: string[] = [];
  for (const o of options) for (const rest of expandMetricNotation(`${head}${o}${tail}`)) out.push(rest);
  return [...new Set(out)];
}

/**
 * Expand a comma-separated list as Meta prints it (commas inside `{}` belong to the name).
 *
 * @example
 * expandMetricList('page_fans, page_follows_{city,country}') // ['page_fans', 'page_follows_city', 'page_follows_country']
 */
export function expandMetricList(list: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of list) {
    if (c === '{') depth++;
    if (c === '}') depth--;
    if ((c === ',' || c === '\n') && depth === 0) {
      names.push(cur);
      cur = '';
    } else cur += c;
  }
  names.push(cur);
  const out: string[] = [];
  for (const n of names) out.push(...expandMetricNotation(n));
  return [...new Set(out)];
}
