import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteRangeError, ByteWriter } from './byte-io.js';

type Write = { kind: 'u8' | 'u16' | 'u32' | 'u64'; value: number } | { kind: 'bytes'; value: Uint8Array } | { kind: 'f32s'; value: Float32Array } | { kind: 'u32s'; value: Uint32Array };

const write: fc.Arbitrary<Write> = fc.oneof(
  fc.record({ kind: fc.constant('u8' as const), value: fc.integer({ min: 0, max: 0xff }) }),
  fc.record({ kind: fc.constant('u16' as const), value: fc.integer({ min: 0, max: 0xffff }) }),
  fc.record({ kind: fc.constant('u32' as const), value: fc.integer({ min: 0, max: 0xffffffff }) }),
  fc.record({ kind: fc.constant('u64' as const), value: fc.maxSafeNat() }),
  fc.record({ kind: fc.constant('bytes' as const), value: fc.uint8Array({ maxLength: 40 }) }),
  fc.record({ kind: fc.constant('f32s' as const), value: fc.float32Array({ maxLength: 10, noDefaultInfinity: true, noNaN: true }) }),
  fc.record({ kind: fc.constant('u32s' as const), value: fc.uint32Array({ maxLength: 10 }) }),
);

describe('ByteWriter / ByteReader', () => {
  it('reads back any sequence of writes, across buffer growth from a tiny capacity', () => {
    fc.assert(
      fc.property(fc.array(write, { maxLength: 60 }), fc.integer({ min: 1, max: 16 }), (writes, capacity) => {
        const w = new ByteWriter(capacity);
        for (const x of writes) {
          if (x.kind === 'bytes') w.bytes(x.value);
          else if (x.kind === 'f32s') w.f32s(x.value);
          else if (x.kind === 'u32s') w.u32s(x.value);
          else w[x.kind](x.value);
        }
        const r = new ByteReader(w.toBytes());
        for (const x of writes) {
          if (x.kind === 'bytes') expect(r.raw(x.value.length)).toEqual(x.value);
          else if (x.kind === 'f32s') expect(r.f32s(x.value.length)).toEqual(x.value);
          else if (x.kind === 'u32s') expect(r.u32s(x.value.length)).toEqual(x.value);
          else expect(r[x.kind]()).toBe(x.value);
        }
        expect(r.remaining).toBe(0);
        expect([...r.tally.values()].reduce((a, b) => a + b, 0)).toBe(w.length);
      }),
    );
  });

  it('writes little-endian and refuses reads past the end', () => {
    const w = new ByteWriter(1);
    w.u16(0x0102);
    w.u32(0x03040506);
    expect(Array.from(w.toBytes())).toEqual([0x02, 0x01, 0x06, 0x05, 0x04, 0x03]);
    const r = new ByteReader(w.toBytes());
    r.u32();
    expect(() => r.u32()).toThrow(ByteRangeError);
  });
});
