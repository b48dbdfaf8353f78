import { describe, expect, it } from 'vitest';
import { sampleRun } from '../testing/sample-runs.js';
import { escapeMarkdownCell, markdownComparisonTable } from './markdown-reporter.js';

describe('Markdown comparison table', () => {
  it('has one row per strategy and ACC/BWT/size columns per benchmark, mean ± std over seeds', () => {
    const runs = [
      // ACC 0.80 and 0.78 -> mean 79.00, std sqrt(2) * 1 = 1.41 (n - 1).
      sampleRun({ seed: 1 }),
      sampleRun({ seed: 2, correct: [[90, 10, 20], [95, 85, 30], [70, 69, 95]] }),
      sampleRun({ strategy: 'ewc', scenario: 'permuted-mnist', seed: 1, withCosts: false }),
    ];
    const lines = markdownComparisonTable(runs).split('\n');
    expect(lines[0]).toBe(
      '| Strategy | split-fashion-mnist ACC | split-fashion-mnist BWT | split-fashion-mnist size | permuted-mnist ACC | permuted-mnist BWT | permuted-mnist size |',
    );
    expect(lines[1]).toBe('| :--- | ---: | ---: | ---: | ---: | ---: | ---: |');
    // BWT: -0.15 and (-0.2 - 0.16) / 2 = -0.18 -> mean -16.50, std 2.12.
    expect(lines[2]).toBe('| packnet | 79.00 ± 1.41 | -16.50 ± 2.12 | 15.63 KiB (10.0×) | — | — | — |');
    expect(lines[3]).toBe('| ewc | — | — | — | 80.00 | -15.00 | — |');
    expect(lines[5]).toMatch(/over 1–2 seed\(s\)/);
  });

  it('escapes pipes and HTML in names', () => {
    expect(escapeMarkdownCell('a|b<script>\nc\\')).toBe('a\\|b&lt;script&gt; c\\\\');
    const table = markdownComparisonTable([sampleRun({ strategy: '<b>|x', scenario: 's|t' })]);
    expect(table).toContain('| &lt;b&gt;\\|x |');
    expect(table).toContain('s\\|t ACC');
  });

  it('refuses the same seed twice for one strategy and scenario', () => {
    expect(() => markdownComparisonTable([sampleRun(), sampleRun()])).toThrow(/results\[1\]\.run\.seed/);
  });
});
