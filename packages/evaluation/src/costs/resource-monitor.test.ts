import { initBackend, tf, withLeakCheck } from '@retain/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MonitorStateError, ResourceMonitor } from './resource-monitor.js';

function fakeProbes() {
  const state = { now: 1000, rss: 100, tensors: 0, bytes: 0 };
  return {
    state,
    probes: {
      now: () => state.now,
      rss: () => state.rss,
      processPeakRss: () => 5000,
      tfMemory: () => ({ numTensors: state.tensors, numBytes: state.bytes }),
    },
  };
}

describe('ResourceMonitor with fake probes', () => {
  it('measures train and eval time, samples/s and peaks per experience', () => {
    const { state, probes } = fakeProbes();
    const monitor = new ResourceMonitor({ intervalMs: 0, probes });
    state.now = 2000;
    monitor.beginExperience(0);
    state.rss = 900;
    state.bytes = 64;
    monitor.sample();
    state.rss = 300;
    state.bytes = 16;
    state.tensors = 3;
    state.now = 6000;
    monitor.endTraining(1000);
    state.now = 6500;
    const timing = monitor.endExperience();
    expect(timing).toEqual({
      experience: 0,
      trainSeconds: 4,
      evalSeconds: 0.5,
      samples: 1000,
      samplesPerSecond: 250,
      peakRssBytes: 900,
      tfNumTensors: 3,
      tfNumBytes: 16,
      tfPeakNumBytes: 64,
    });
    monitor.beginExperience(1);
    monitor.endTraining(0);
    expect(monitor.endExperience().samplesPerSecond).toBeNull();
    expect(monitor.timing()).toEqual({ experiences: [timing, expect.objectContaining({ experience: 1 })], totalSeconds: 5.5, processPeakRssBytes: 5000 });
  });

  it('refuses calls out of order', () => {
    const monitor = new ResourceMonitor({ intervalMs: 0, probes: fakeProbes().probes });
    expect(() => monitor.endTraining(1)).toThrow(MonitorStateError);
    expect(() => monitor.endExperience()).toThrow(MonitorStateError);
    monitor.beginExperience(0);
    expect(() => monitor.beginExperience(1)).toThrow(/experience 0 has not ended/);
    expect(() => monitor.endExperience()).toThrow(/call endTraining/);
    monitor.endTraining(1);
    expect(() => monitor.endTraining(1)).toThrow(/already ended training/);
    monitor.dispose();
    expect(() => monitor.endExperience()).toThrow(MonitorStateError);
  });
});

describe('ResourceMonitor with the real process and tfjs', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('sees RSS, tensors created during training, and the timer samples while the loop is free', async () => {
    await withLeakCheck(async () => {
      const monitor = new ResourceMonitor({ intervalMs: 5 });
      monitor.beginExperience(0);
      const held = tf.zeros([256, 256]);
      await new Promise((resolve) => setTimeout(resolve, 30));
      held.dispose();
      monitor.endTraining(10);
      const kept = tf.ones([8]);
      const timing = monitor.endExperience();
      kept.dispose();
      expect(timing.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(timing.tfPeakNumBytes).toBeGreaterThanOrEqual(256 * 256 * 4);
      expect(timing.tfNumBytes).toBeGreaterThanOrEqual(8 * 4);
      expect(timing.trainSeconds).toBeGreaterThan(0.02);
      expect(monitor.timing().processPeakRssBytes).toBeGreaterThanOrEqual(timing.peakRssBytes);
    });
  });
});
