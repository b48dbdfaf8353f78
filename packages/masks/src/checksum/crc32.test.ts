import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, hex32 } from './crc32.js';

const nodeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

describe('crc32', () => {
  it('matches the standard check value and known vectors', () => {
    expect(hex32(crc32(new TextEncoder().encode('123456789')))).toBe('cbf43926');
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(hex32(crc32(new TextEncoder().encode('The quick brown fox jumps over the lazy dog')))).toBe('414fa339');
  });

  it('continues across chunks like one pass', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 }), (a, b) => {
        const joined = new Uint8Array(a.length + b.length);
        joined.set(a);
        joined.set(b, a.length);
        expect(crc32(b, crc32(a))).toBe(crc32(joined));
      }),
    );
  });

  it.runIf(typeof nodeCrc32 === 'function')('agrees with zlib.crc32 where this Node has it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(crc32(bytes)).toBe(nodeCrc32!(bytes));
      }),
    );
  });
});
