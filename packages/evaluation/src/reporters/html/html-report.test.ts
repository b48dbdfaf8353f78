import { describe, expect, it } from 'vitest';
import { sampleRun } from '../../testing/sample-runs.js';
import { renderHtmlReport } from './html-report.js';

const runs = [
  sampleRun({ seed: 1 }),
  sampleRun({ seed: 2, correct: [[88, 10, 20], [90, 86, 30], [72, 70, 93]] }),
  sampleRun({ strategy: '<script>alert("x")</script>', scenario: 'perm & "mnist"', seed: 3 }),
];

/** The <figure> holding the chart whose caption is `caption`. */
function figureWithCaption(html: string, caption: string): string | undefined {
  return html.split('<figure>').find((part) => part.includes(`<figcaption>${caption}`));
}

describe('HTML report', () => {
  it('inlines an SVG for every chart: ACC curves, size breakdown, heatmaps and capacity per run', async () => {
    const html = await renderHtmlReport(runs);
    // 2 scenarios (ACC curves) + 1 size chart + 2 run sections x (heatmap + capacity).
    expect(html.match(/<svg[\s>]/g)).toHaveLength(2 + 1 + 2 * 2);
    for (const caption of ['split-fashion-mnist', 'Serialised size by component', 'Accuracy matrix R[i][j]', 'Capacity and bits per task']) {
      expect(figureWithCaption(html, caption), caption).toMatch(/<svg[\s\S]*<\/svg>/);
    }
    expect(html).toContain('<caption>Accuracy matrix</caption>');
    expect(html).toMatch(/<th scope="row">packnet<\/th><td>79\.17 ± 1\.18<\/td>/);
  });

  it('needs no network and runs no script', async () => {
    const html = await renderHtmlReport(runs);
    expect(html).not.toMatch(/\s(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).toContain("Content-Security-Policy");
  });

  it('escapes user strings in tables, headings and charts', async () => {
    const html = await renderHtmlReport(runs, { title: 'a <b> title', subtitle: '"quoted" & more' });
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('<title>a &lt;b&gt; title</title>');
    expect(html).toContain('&quot;quoted&quot; &amp; more');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<b> title');
  });

  it('is deterministic and gives every SVG id a unique, run-independent name', async () => {
    const first = await renderHtmlReport(runs);
    const second = await renderHtmlReport(runs);
    expect(second).toBe(first);
    const ids = [...first.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
    for (const reference of first.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(reference[1]);
  });

  it('shows every seed on request and omits size and capacity for runs without them', async () => {
    const plain = [sampleRun({ withCosts: false, seed: 1 }), sampleRun({ withCosts: false, seed: 2 })];
    const html = await renderHtmlReport(plain, { runSections: 'all' });
    expect(html.match(/<section class="run">/g)).toHaveLength(2);
    expect(html).not.toContain('<h2>Model size</h2>');
    // ACC curve + 2 heatmaps.
    expect(html.match(/<svg[\s>]/g)).toHaveLength(3);
  });
});
