// Escaping text for HTML: element content and quoted attribute values (emails, charts, the report).

/**
 * Escape `& < > " '` as numeric character references.
 *
 * @example
 * escapeHtml('<script>') // '&#60;script&#62;'
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
