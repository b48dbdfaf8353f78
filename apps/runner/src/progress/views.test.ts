import { PassThrough } from 'node:stream';
import type { ProgressEvent } from '@retain/strategies';
import { describe, expect, it } from 'vitest';
import { createProgressView } from './create-view.js';
import { PlainView } from './plain-view.js';
import { QuietView, formatSeconds } from './progress-view.js';
import { TerminalView } from './terminal-view.js';

const where = { experience: 0, taskId: 0, phase: 'train' } as const;
const events: ProgressEvent[] = [
  { ...where, type: 'phase-start', epochs: 1, batchesPerEpoch: 8, samplesPerEpoch: 500 },
  ...Array.from({ length: 8 }, (_, b): ProgressEvent => ({ ...where, type: 'batch', epoch: 0, epochs: 1, batch: b, batches: 8, loss: 1 / (b + 1), samplesPerSecond: 1000 + b, etaSeconds: 8 - b })),
  { ...where, type: 'epoch-end', epoch: 0, epochs: 1, loss: 0.5, learningRate: 0.001, seconds: 0.5 },
  { ...where, type: 'note', message: 'kept 10 of 20 weights' },
  { ...where, type: 'phase-end', epochsRun: 1, seconds: 0.5 },
];

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  Object.assign(stream, { isTTY, columns: 200, rows: 40, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, clearScreenDown: () => true });
  return { stream, text: () => text };
}

describe('progress views', () => {
  it('writes plain lines: phases, a few batch lines per epoch with samples/s and ETA, epoch ends, notes', () => {
    const out: string[] = [];
    const view = new PlainView((t) => void out.push(t));
    view.experienceStarted({ index: 0, total: 2, taskId: 0, description: 'permutation 0' });
    for (const e of events) view.event(e);
    expect(out.join('')).toBe(
      [
        'experience 1/2 (task 0, permutation 0): training',
        '[experience 1/2] train: 1 epoch(s) x 8 batches (500 samples per epoch)',
        '[experience 1/2] train epoch 1/1 batch 2/8: loss 0.5000, 1001 samples/s, ETA 7s',
        '[experience 1/2] train epoch 1/1 batch 4/8: loss 0.2500, 1003 samples/s, ETA 5s',
        '[experience 1/2] train epoch 1/1 batch 6/8: loss 0.1667, 1005 samples/s, ETA 3s',
        '[experience 1/2] train epoch 1/1: loss 0.5000, 0.5 s',
        '[experience 1/2] train: kept 10 of 20 weights',
        '',
      ].join('\n'),
    );
  });

  it('draws a bar with experience, epoch, batch, samples/s and ETA on a terminal', () => {
    const { stream, text } = fakeStream(true);
    const view = createProgressView({ stream });
    expect(view).toBeInstanceOf(TerminalView);
    view.experienceStarted({ index: 0, total: 2, taskId: 0, description: 'permutation 0' });
    for (const e of events) view.event(e);
    view.stop();
    expect(text()).toContain('exp 1/2 train epoch 1/1 [');
    expect(text()).toMatch(/batch 8\/8 \| 1007 samples\/s \| ETA 1s \| loss 0\.1250/);
    expect(text()).toContain('  train: kept 10 of 20 weights\n');
  });

  it('picks plain lines off a terminal and nothing with quiet', () => {
    expect(createProgressView({ stream: fakeStream(false).stream })).toBeInstanceOf(PlainView);
    expect(createProgressView({ quiet: true })).toBeInstanceOf(QuietView);
    expect(formatSeconds(65)).toBe('1m05s');
    expect(formatSeconds(Number.NaN)).toBe('?');
  });
});
