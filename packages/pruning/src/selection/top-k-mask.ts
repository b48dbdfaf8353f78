import { InvalidArgumentError } from '@retain/core';
import { checkedIndexList, checkMaskLength, isEligibleMask, type EligibleSet } from './eligible-set.js';
import { floatBits, INFINITY_BITS, MAGNITUDE_KEY_MASK, maskedOrderKeys, signedOrderKeys, type RankBy } from './order-keys.js';
import { selectTopMagnitudeInto } from './magnitude-select.js';
import { segmentSize, selectLargestKeys, type KeySegment } from './radix-select.js';

/** Options of {@link selectTopK}. */
export interface SelectTopKOptions {
  /** Which values may be selected; default every value. */
  readonly eligible?: EligibleSet;
  /** Rank by |value| (default) or by signed value. */
  readonly rankBy?: RankBy;
  /** Name of the values in error messages; default `values`. */
  readonly field?: string;
}

/** Options of {@link selectTopKAcross} and {@link selectTopFractionAcross}. */
export interface SelectAcrossOptions {
  /** Rank by |value| (default) or by signed value. */
  readonly rankBy?: RankBy;
  /** Name of each layer's values in error messages (`<layer>.<valueField>`); default `values`. */
  readonly valueField?: string;
}

/** One named array of values for selections across layers. */
export interface RankedLayer {
  /** The values ranked (weights, scores). */
  readonly values: Float32Array;
  /** Which of them may be selected; default all. */
  readonly eligible?: EligibleSet;
}

/**
 * How many of `eligibleCount` weights a keep fraction keeps:
 * `Math.round(fraction * eligibleCount)` (halves round up). Throws
 * InvalidArgumentError (field `field`) unless fraction is a number in [0, 1].
 */
export function keepCount(fraction: number, eligibleCount: number, field = 'keepFraction'): number {
  checkFraction(fraction, field);
  return Math.round(fraction * eligibleCount);
}

/** Throws InvalidArgumentError unless `fraction` is a finite number in [0, 1]. */
export function checkFraction(fraction: number, field: string): void {
  if (typeof fraction !== 'number' || !(fraction >= 0 && fraction <= 1)) {
    throw new InvalidArgumentError(field, fraction, 'a number in [0, 1]');
  }
}

/**
 * A 0/1 mask (1 = selected) of exactly `k` eligible entries of `values`: the
 * k largest under `rankBy`, ties broken by lower index first. Radix selection
 * on the float bits, O(n). Throws NaNValueError on a NaN among the eligible
 * values, LengthMismatchError / InvalidArgumentError on a bad eligible set,
 * InvalidArgumentError unless k is an integer in [0, eligible count].
 */
export function selectTopK(values: Float32Array, k: number, options: SelectTopKOptions = {}): Uint8Array {
  return selectSingle(values, { k }, options);
}

/**
 * {@link selectTopK} with k given as a fraction of the eligible count:
 * k = {@link keepCount}(fraction, eligible count) = Math.round(fraction * count).
 * Throws InvalidArgumentError unless fraction is in [0, 1].
 */
export function selectTopFraction(values: Float32Array, fraction: number, options: SelectTopKOptions & { readonly fractionField?: string } = {}): Uint8Array {
  return selectSingle(values, { fraction, field: options.fractionField ?? 'fraction' }, options);
}

/**
 * {@link selectTopK} over several named layers ranked together: exactly `k`
 * entries selected in all, the largest across every layer's eligible values;
 * ties broken by layer name (code-unit order) and then index. Returns one mask
 * per layer, under the same names.
 */
export function selectTopKAcross(
  layers: Readonly<Record<string, RankedLayer>>,
  k: number,
  options: SelectAcrossOptions = {},
): Record<string, Uint8Array> {
  return selectAcross(layers, { k }, options);
}

/**
 * {@link selectTopKAcross} with k = Math.round(fraction * eligible count summed over layers).
 * Throws InvalidArgumentError unless fraction is in [0, 1].
 */
export function selectTopFractionAcross(
  layers: Readonly<Record<string, RankedLayer>>,
  fraction: number,
  options: SelectAcrossOptions & { readonly fractionField?: string } = {},
): Record<string, Uint8Array> {
  return selectAcross(layers, { fraction, field: options.fractionField ?? 'fraction' }, options);
}

/**
 * {@link selectTopK} that drops exactly Math.round(sparsity * eligible count)
 * of the eligible entries (the smallest) and selects the rest:
 * k = count - Math.round(sparsity * count). Throws InvalidArgumentError unless
 * sparsity is in [0, 1].
 */
export function selectBySparsity(values: Float32Array, sparsity: number, options: SelectTopKOptions & { readonly sparsityField?: string } = {}): Uint8Array {
  return selectSingle(values, { sparsity, field: options.sparsityField ?? 'sparsity' }, options);
}

/** {@link selectBySparsity} across layers ranked together (ties as in {@link selectTopKAcross}). */
export function selectBySparsityAcross(
  layers: Readonly<Record<string, RankedLayer>>,
  sparsity: number,
  options: SelectAcrossOptions & { readonly sparsityField?: string } = {},
): Record<string, Uint8Array> {
  return selectAcross(layers, { sparsity, field: options.sparsityField ?? 'sparsity' }, options);
}

/** How many to select: an exact count, a fraction of the eligible count kept, or a fraction dropped. */
type CountSpec =
  | { readonly k: number }
  | { readonly fraction: number; readonly field: string }
  | { readonly sparsity: number; readonly field: string };

/** Reused by {@link selectSingle}'s magnitude path (selection is synchronous). */
let floatScratch = new Float32Array(0);

function selectSingle(values: Float32Array, count: CountSpec, options: SelectTopKOptions): Uint8Array {
  checkCount(count);
  const field = options.field ?? 'values';
  if (options.eligible === undefined && (options.rankBy ?? 'magnitude') === 'magnitude') {
    // Every value takes part, ranked by |v|: the magnitude fast path on the raw float bits.
    if (!(values instanceof Float32Array)) throw new InvalidArgumentError(field, values, 'a Float32Array');
    const k = resolveCount(count, values.length);
    checkK(k, values.length);
    // Selected into a reused float32 array, then narrowed: WSN's per-step selection writes float32
    // masks, and one array type keeps that loop monomorphic (V8 optimises it for one element kind).
    if (floatScratch.length < values.length) floatScratch = new Float32Array(values.length);
    const floats = floatScratch.subarray(0, values.length);
    selectTopMagnitudeInto(values, k, floats, { field });
    const mask = new Uint8Array(values.length);
    mask.set(floats);
    return mask;
  }
  const segment = prepareSegment(values, options.eligible, options.rankBy ?? 'magnitude', field, 'eligible');
  const mask = new Uint8Array(values.length);
  fillMasks([segment], [mask], resolveCount(count, segmentSize(segment)));
  return mask;
}

function selectAcross(layers: Readonly<Record<string, RankedLayer>>, count: CountSpec, options: SelectAcrossOptions): Record<string, Uint8Array> {
  checkCount(count);
  const rankBy = options.rankBy ?? 'magnitude';
  const valueField = options.valueField ?? 'values';
  const names = Object.keys(layers).sort(compareCodeUnits);
  const segments = names.map((name) => {
    const layer = layers[name] as RankedLayer;
    return prepareSegment(layer.values, layer.eligible, rankBy, `${name}.${valueField}`, `${name}.eligible`);
  });
  const masks = names.map((name) => new Uint8Array((layers[name] as RankedLayer).values.length));
  const total = segments.reduce((sum, s) => sum + segmentSize(s), 0);
  fillMasks(segments, masks, resolveCount(count, total));
  const out: Record<string, Uint8Array> = {};
  names.forEach((name, i) => (out[name] = masks[i] as Uint8Array));
  return out;
}

function resolveCount(count: CountSpec, total: number): number {
  if ('k' in count) return count.k;
  if ('fraction' in count) return keepCount(count.fraction, total, count.field);
  return total - keepCount(count.sparsity, total, count.field);
}

function checkCount(count: CountSpec): void {
  if ('fraction' in count) checkFraction(count.fraction, count.field);
  if ('sparsity' in count) checkFraction(count.sparsity, count.field);
}

/** Plain code-unit string order, independent of locale. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function prepareSegment(values: Float32Array, eligible: EligibleSet, rankBy: RankBy, field: string, eligibleField: string): KeySegment {
  if (!(values instanceof Float32Array)) throw new InvalidArgumentError(field, values, 'a Float32Array');
  if (rankBy !== 'magnitude' && rankBy !== 'value') throw new InvalidArgumentError('rankBy', rankBy, "'magnitude' or 'value'");
  const n = values.length;
  if (isEligibleMask(eligible)) {
    checkMaskLength(eligible, n, eligibleField);
    const { keys, eligibleCount } = maskedOrderKeys(values, eligible, rankBy, field, eligibleField);
    return { source: keys, keyMask: 0xffffffff, nanAbove: 0xffffffff, indices: null, zeroIsIneligible: true, count: eligibleCount, field };
  }
  const indices = eligible === undefined ? null : checkedIndexList(eligible, n, eligibleField);
  const count = indices === null ? n : indices.length;
  if (rankBy === 'magnitude') {
    // Raw float bits, keyed on the fly: no copy of the weights.
    return { source: floatBits(values), keyMask: MAGNITUDE_KEY_MASK, nanAbove: INFINITY_BITS, indices, zeroIsIneligible: false, count, field };
  }
  const keys = signedOrderKeys(values, indices, field);
  return { source: keys, keyMask: 0xffffffff, nanAbove: 0xffffffff, indices, zeroIsIneligible: false, count, field };
}

function fillMasks(segments: readonly KeySegment[], masks: readonly Uint8Array[], k: number): void {
  checkK(k, segments.reduce((sum, s) => sum + segmentSize(s), 0));
  selectLargestKeys(segments, masks, k);
}

/** Throws InvalidArgumentError unless k is an integer in [0, total]. */
function checkK(k: number, total: number): void {
  if (!Number.isInteger(k) || k < 0 || k > total) {
    throw new InvalidArgumentError('k', k, `an integer in [0, ${total}] (the eligible count)`);
  }
}
