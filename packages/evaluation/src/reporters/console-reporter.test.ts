import { describe, expect, it } from 'vitest';
import { sampleRun } from '../testing/sample-runs.js';
import { ConsoleReporter, formatConsoleReport } from './console-reporter.js';

describe('console reporter', () => {
  it('prints the rows trained so far with ACC per row, and a summary line', () => {
    const text = formatConsoleReport(sampleRun({ correct: [[90, 10, 20], [95, 85, 30], [null, null, null]] }));
    const lines = text.split('\n');
    expect(lines.find((line) => line.includes('exp 1 ') && line.includes('95.0'))).toMatch(/95\.0 .*85\.0 .*30\.0 .*90\.0/);
    expect(lines.filter((line) => /^│ exp \d/.test(line))).toHaveLength(2);
    expect(text).toContain('after 2/3 experiences');
    expect(text).toContain('ACC 90.00');
    expect(text).toContain('BWT 5.00');
    expect(text).toContain('size 15.63 KiB (10.0× vs dense)');
    // No colour codes: the same bytes on every terminal.
    expect(text).not.toContain('\u001b[');
  });

  it('writes to the given sink after each experience, with timing when measured', () => {
    const written: string[] = [];
    const reporter = new ConsoleReporter((text) => written.push(text));
    const timing = {
      experiences: [
        { experience: 0, trainSeconds: 2, evalSeconds: 0.1, samples: 1000, samplesPerSecond: 500, peakRssBytes: 3 * 1024 ** 2, tfNumTensors: 1, tfNumBytes: 4, tfPeakNumBytes: 4 },
      ],
      totalSeconds: 2.1,
      processPeakRssBytes: 3 * 1024 ** 2,
    };
    reporter.experienceEnded(sampleRun({ timing }));
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('train 2.0 s, 500 samples/s, peak RSS 3.00 MiB');
  });
});
