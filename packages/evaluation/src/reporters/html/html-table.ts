import { escapeHtml } from './escape-html.js';

/** A header cell spanning `span` columns. */
export interface SpanningHeader {
  /** Header text. */
  readonly text: string;
  /** Columns it spans. */
  readonly span: number;
}

/** Options of {@link htmlTable}. */
export interface HtmlTableOptions {
  /** An extra header row above `head`, e.g. one group per benchmark. */
  readonly groupHead?: readonly SpanningHeader[];
  /** Caption text. */
  readonly caption?: string;
  /** Index of columns whose cells are row headers (default 0). */
  readonly rowHeaderColumn?: number;
}

/** An HTML table; every header and cell is plain text and is escaped. */
export function htmlTable(head: readonly string[], rows: ReadonlyArray<readonly string[]>, options: HtmlTableOptions = {}): string {
  const rowHeader = options.rowHeaderColumn ?? 0;
  const parts = ['<table>'];
  if (options.caption !== undefined) parts.push(`<caption>${escapeHtml(options.caption)}</caption>`);
  parts.push('<thead>');
  if (options.groupHead !== undefined) {
    const cells = options.groupHead.map((group) => `<th colspan="${group.span}" scope="colgroup">${escapeHtml(group.text)}</th>`);
    parts.push(`<tr>${cells.join('')}</tr>`);
  }
  parts.push(`<tr>${head.map((text) => `<th scope="col">${escapeHtml(text)}</th>`).join('')}</tr>`, '</thead>', '<tbody>');
  for (const row of rows) {
    const cells = row.map((text, index) => (index === rowHeader ? `<th scope="row">${escapeHtml(text)}</th>` : `<td>${escapeHtml(text)}</td>`));
    parts.push(`<tr>${cells.join('')}</tr>`);
  }
  parts.push('</tbody>', '</table>');
  return parts.join('\n');
}
