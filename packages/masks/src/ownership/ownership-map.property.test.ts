import fc from 'fast-check';
import { InvalidArgumentError } from '@retain/core';
import { describe, expect, it } from 'vitest';
import { CapacityConflictError, MaskOwnershipError, ReleaseBlockedError } from '../errors/mask-errors.js';
import { OwnershipMap } from './ownership-map.js';

/** A reference model written independently of the map: per slot, the list of bit ranges held. */
interface Held {
  task: number;
  bits: number;
}

const TENSORS = [
  { name: 'a', shape: [5, 3] },
  { name: 'b', shape: [37] },
];
const WIDTHS = [1, 2, 3, 4, 5, 8, 12, 16, 32];

type Op =
  | { kind: 'claim'; task: number; tensor: number; pick: boolean[]; bits: number }
  | { kind: 'mask'; task: number; tensor: number; pick: boolean[]; onlyHeld: boolean }
  | { kind: 'release'; task: number };

/** Dense picks (about half the slots) or sparse ones (a few slots), so single-slot conflicts happen too. */
const pick: fc.Arbitrary<boolean[]> = fc.oneof(
  fc.array(fc.boolean(), { minLength: 37, maxLength: 37 }),
  fc.uniqueArray(fc.nat(36), { minLength: 1, maxLength: 4 }).map((indices) => Array.from({ length: 37 }, (_, i) => indices.includes(i))),
);

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('claim' as const), task: fc.integer({ min: 1, max: 6 }), tensor: fc.integer({ min: 0, max: 1 }), pick, bits: fc.constantFrom(...WIDTHS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('mask' as const), task: fc.integer({ min: 1, max: 6 }), tensor: fc.integer({ min: 0, max: 1 }), pick, onlyHeld: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), task: fc.integer({ min: 1, max: 6 }) }) },
);

/** Are `bits` more bits left in a slot? */
function fits(held: readonly Held[], bits: number): boolean {
  return held.reduce((sum, h) => sum + h.bits, 0) + bits <= 32;
}

/** Everything observable about a map, to check that a refused operation changed nothing. */
function snapshot(map: OwnershipMap): string {
  const parts: string[] = [];
  for (const { name } of TENSORS) {
    parts.push(name, Array.from(map.bitsUsed(name)).join(','));
    for (const t of map.taskIds()) {
      const c = map.claimOf(t, name);
      parts.push(`${t}:${c ? `${c.bits}/${Array.from(c.slots.words).join('.')}/${Array.from(c.offsets).join('.')}` : '-'}`);
      parts.push(`m${t}:${map.taskMask(t, name)?.words.join('.') ?? '-'}`);
    }
  }
  return parts.join('|');
}

function caught(fn: () => void): unknown {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e;
  }
}

describe('OwnershipMap over random task sequences', () => {
  it('never lets two tasks hold the same bits, never exceeds 32 bits a slot, and claims/frees consistently', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 10, maxLength: 40, size: 'max' }), (ops) => {
        const map = new OwnershipMap(TENSORS);
        const sizes = TENSORS.map((t) => t.shape.reduce((a, b) => a * b, 1));
        const model: Held[][][] = sizes.map((n) => Array.from({ length: n }, () => []));
        const masks = new Map<string, boolean[]>(); // `${task}/${tensor}` -> mask
        const widths = new Map<string, number>(); // `${task}/${tensor}` -> claimed width

        for (const o of ops) {
          const before = snapshot(map);
          if (o.kind === 'claim') {
            const name = TENSORS[o.tensor]!.name;
            const pick = o.pick.slice(0, sizes[o.tensor]);
            const slots = model[o.tensor]!;
            const error = caught(() => map.claim(o.task, name, pick.map(Number), o.bits));
            const width = widths.get(`${o.task}/${o.tensor}`);
            const wrongWidth = width !== undefined && width !== o.bits;
            const impossible = pick.some((p, i) => p && (slots[i]!.some((h) => h.task === o.task) || !fits(slots[i]!, o.bits)));
            if (wrongWidth) {
              expect(error).toBeInstanceOf(InvalidArgumentError);
            } else if (impossible) {
              expect(error).toBeInstanceOf(CapacityConflictError);
            } else {
              expect(error).toBeUndefined();
            }
            if (error !== undefined) {
              expect(snapshot(map)).toBe(before);
              continue;
            }
            if (!pick.some(Boolean)) {
              expect(snapshot(map)).toBe(before); // an empty claim is a no-op
              continue;
            }
            widths.set(`${o.task}/${o.tensor}`, o.bits);
            pick.forEach((p, i) => {
              if (p) slots[i]!.push({ task: o.task, bits: o.bits });
            });
          } else if (o.kind === 'mask') {
            const name = TENSORS[o.tensor]!.name;
            // onlyHeld: keep the picked slots some task <= o.task holds (a valid WSN mask); else the raw pick.
            const pick = o.pick
              .slice(0, sizes[o.tensor])
              .map((p, i) => p && (!o.onlyHeld || model[o.tensor]![i]!.some((h) => h.task <= o.task)));
            const ok = pick.every((p, i) => !p || model[o.tensor]![i]!.some((h) => h.task <= o.task));
            const error = caught(() => map.setTaskMask(o.task, name, pick.map(Number)));
            if (ok) {
              expect(error).toBeUndefined();
              masks.set(`${o.task}/${o.tensor}`, pick);
            } else {
              expect(error).toBeInstanceOf(MaskOwnershipError);
              expect(snapshot(map)).toBe(before);
            }
          } else {
            const blocked = [...masks].some(([key, mask]) => {
              const [other, tensor] = key.split('/').map(Number) as [number, number];
              return other !== o.task && mask.some((m, i) => m && model[tensor]![i]!.some((h) => h.task === o.task));
            });
            const error = caught(() => map.releaseTask(o.task));
            if (blocked) {
              expect(error).toBeInstanceOf(ReleaseBlockedError);
              expect(snapshot(map)).toBe(before);
            } else {
              expect(error).toBeUndefined();
              for (const slots of model) for (let i = 0; i < slots.length; i++) slots[i] = slots[i]!.filter((h) => h.task !== o.task);
              for (const key of [...masks.keys()]) if (key.startsWith(`${o.task}/`)) masks.delete(key);
              for (const key of [...widths.keys()]) if (key.startsWith(`${o.task}/`)) widths.delete(key);
            }
          }

          // Invariants after every step, against the model (compared as whole arrays: one expect each).
          TENSORS.forEach(({ name }, ti) => {
            const slots = model[ti]!;
            const sums = slots.map((held) => held.reduce((s, h) => s + h.bits, 0));
            expect(sums.every((sum) => sum <= 32)).toBe(true);
            expect(Array.from(map.bitsUsed(name))).toEqual(sums);
            expect(map.capacity(name).usedBits).toBe(sums.reduce((a, b) => a + b, 0));
            expect(Array.from(map.owners(name))).toEqual(slots.map((held) => (held.length === 0 ? 0 : Math.min(...held.map((h) => h.task)))));
            // Every holder's bit range, as the map reports it: stacked by task id, disjoint, inside the slot.
            const ranges: [number, number][][] = slots.map(() => []);
            for (let t = 1; t <= 6; t++) {
              const claim = map.claimOf(t, name);
              const expectedSlots = slots.map((held) => held.some((h) => h.task === t));
              expect(Array.from(claim?.slots.toUint8Array() ?? new Uint8Array(slots.length))).toEqual(expectedSlots.map(Number));
              if (claim === undefined) continue;
              Array.from(claim.slots.indices()).forEach((i, k) => {
                const offset = claim.offsets[k]!;
                const below = slots[i]!.filter((h) => h.task < t).reduce((sum, h) => sum + h.bits, 0);
                expect(offset).toBe(below);
                ranges[i]!.push([offset, offset + claim.bits]);
              });
            }
            const bad = ranges.some((rs) => rs.some(([a, b], x) => b > 32 || rs.some(([c, d], y) => y !== x && a < d && c < b)));
            expect(bad).toBe(false);
            for (let t = 1; t <= 6; t++) {
              for (const b of [1, 4, 32]) {
                expect(Array.from(map.trainable(t, name, b).toUint8Array())).toEqual(
                  slots.map((held) => Number(!held.some((h) => h.task === t) && fits(held, b))),
                );
              }
              const below = slots.map((held) => held.filter((h) => h.task <= t).map((h) => h.task));
              expect(Array.from(map.visible(t, name, 'nested').toUint8Array())).toEqual(below.map((b) => Number(b.length > 0)));
              expect(Array.from(map.ownersVisibleTo(t, name, 'nested'))).toEqual(below.map((b) => (b.length > 0 ? Math.max(...b) : 0)));
              const mask = masks.get(`${t}/${ti}`);
              expect(Array.from(map.visible(t, name, 'own-mask').toUint8Array())).toEqual(
                slots.map((held, i) => Number((mask?.[i] ?? false) || held.some((h) => h.task === t))),
              );
            }
          });
        }
      }),
      { numRuns: 80 },
    );
  });
});
