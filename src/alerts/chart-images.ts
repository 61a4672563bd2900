// Charts people can see: each inline SVG chart of an outgoing mail becomes a PNG attached to it and shown by content id.
import { escapeHtml as esc } from '../core/html.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import { findingPath } from '../core/public-url.js';
import type { PngRenderer } from './png.js';
import type { MailAttachment, MailTransport, OutgoingMail } from './transport.js';

/** A chart as compose.ts writes it (a marked block around the SVG), or a bare SVG from an older queued mail. */
const CHART = /(<div data-upwatch-chart="([^"]*)"(?: data-href="([^"]*)")?[^>]*>)?(<svg\b[\s\S]*?<\/svg>)/g;

function attr(svg: string, name: string): string | undefined {
  return new RegExp(`^<svg\\b[^>]*?\\s${name}="([^"]*)"`).exec(svg)?.[1];
}

/** The sentence that stands where a chart could not be drawn (attribute values are already escaped). */
function missingChart(fingerprint: string | undefined, href: string | undefined): string {
  const where = href
    ? `on <a href="${href}">the finding's dashboard page</a>`
    : fingerprint
      ? `on the finding's dashboard page (<code>${esc(findingPath(fingerprint))}</code> of <code>upwatch serve</code>)`
      : 'on the dashboard (<code>upwatch serve</code>)';
  return `<p style="font-size:12px;color:#57606a">The chart could not be attached to this mail; it is ${where}.</p>`;
}

/**
 * The mail with each chart SVG of its HTML drawn as a PNG, attached inline and shown with `<img src="cid:…">`: Gmail
 * and Outlook strip inline SVG, but show attached images. A chart that cannot be drawn is replaced by a sentence
 * pointing to the dashboard (the mail still goes out) and logged as a warning. The plain-text part is unchanged.
 *
 * @example
 * const mail = await embedChartImages(outgoing, createPngRenderer(), logger);
 * mail.attachments // [{ filename: 'chart-1.png', cid: 'chart-1-3f2a…@upwatch', contentType: 'image/png', … }]
 */
export async function embedChartImages(
  mail: OutgoingMail,
  renderer: PngRenderer,
  logger: Logger = silentLogger,
): Promise<OutgoingMail> {
  const found = [...mail.html.matchAll(CHART)];
  if (found.length === 0) return mail;
  const attachments: MailAttachment[] = [];
  const replacements: string[] = [];
  for (const m of found) {
    const [, open = '', fingerprint, href, svg = ''] = m;
    const n = attachments.length + 1;
    try {
      const content = await renderer.render(svg);
      const cid = `chart-${n}-${(fingerprint ?? '').slice(0, 16) || 'upwatch'}@upwatch`;
      attachments.push({ filename: `chart-${n}.png`, contentType: 'image/png', content, cid });
      const width = attr(svg, 'width');
      const height = attr(svg, 'height');
      const alt = attr(svg, 'aria-label') ?? 'chart';
      replacements.push(
        `${open}<img src="cid:${cid}" alt="${alt}"${width ? ` width="${width}"` : ''}${height ? ` height="${height}"` : ''} style="display:block;border:0">`,
      );
    } catch (e) {
      logger.warn('chart not attached to mail', {
        messageId: mail.messageId,
        ...(fingerprint ? { fingerprint } : {}),
        error: errorMessage(e),
      });
      replacements.push(`${open}${missingChart(fingerprint, href)}`);
    }
  }
  let i = 0;
  const html = mail.html.replace(CHART, () => replacements[i++] ?? '');
  return {
    ...mail,
    html,
    ...(attachments.length ? { attachments: [...(mail.attachments ?? []), ...attachments] } : {}),
  };
}

/**
 * A transport that embeds chart images (embedChartImages) before handing each mail to `transport`.
 *
 * @example
 * const transport = withChartImages(createEmailTransport(settings), { renderer: createPngRenderer(), logger });
 */
export function withChartImages(
  transport: MailTransport,
  options: { renderer: PngRenderer; logger?: Logger },
): MailTransport {
  return {
    async send(mail) {
      return transport.send(await embedChartImages(mail, options.renderer, options.logger));
    },
    verify: (timeoutMs) => transport.verify(timeoutMs),
    close: () => transport.close(),
  };
}
