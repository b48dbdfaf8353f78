import { packedWordCount } from '../bits/code-packing.js';
import type { ParameterTensorSpec } from '../ownership/ownership-map.js';
import { ByteRangeError, type ByteReader, type ByteWriter, type SizeComponent } from './byte-io.js';
import { readTensorIndex } from './ownership-sections.js';
import { SchemeTag } from './store-format.js';
import type { NamedTensor, QuantizedTensor } from './store-model.js';

const UTF8_ENCODER = new TextEncoder();
const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true });

/**
 * Writes a task's stored weights: u32 entry count, then per tensor (ascending
 * index): u32 tensor index, u8 scheme (0 float32, 1 linear, 2 codebook), u8
 * bits (32 for float32), u16 reserved = 0, u32 count; then float32: count f32
 * values; linear: u32 P, P f32 scales, P f32 zero-points, packed code words;
 * codebook: u32 K, K f32 entries, packed code words (ceil(count x bits / 32) u32).
 */
export function writeQuantization(w: ByteWriter, entries: ReadonlyMap<string, QuantizedTensor>, tensors: readonly ParameterTensorSpec[]): number {
  const ordered = tensors.flatMap((t, index) => {
    const entry = entries.get(t.name);
    return entry === undefined ? [] : [{ index, e: entry }];
  });
  w.u32(ordered.length);
  for (const { index, e } of ordered) {
    w.u32(index);
    w.u8(SchemeTag[e.scheme]);
    if (e.scheme === 'float32') {
      w.u8(32);
      w.u16(0);
      w.u32(e.values.length);
      w.f32s(e.values);
      continue;
    }
    w.u8(e.codes.bits);
    w.u16(0);
    w.u32(e.codes.count);
    if (e.scheme === 'linear') {
      w.u32(e.scales.length);
      w.f32s(e.scales);
      w.f32s(e.zeroPoints);
    } else {
      w.u32(e.codebook.length);
      w.f32s(e.codebook);
    }
    w.u32s(e.codes.words);
  }
  return ordered.length;
}

/** Reads what {@link writeQuantization} wrote, keyed by tensor name. */
export function readQuantization(r: ByteReader, tensors: readonly ParameterTensorSpec[]): Map<string, QuantizedTensor> {
  const count = r.u32();
  const out = new Map<string, QuantizedTensor>();
  let previous = -1;
  for (let k = 0; k < count; k++) {
    const { index, spec } = readTensorIndex(r, tensors, previous);
    previous = index;
    const tensor = spec.name;
    const scheme = r.u8();
    const bits = r.u8();
    const reserved = r.u16();
    const n = r.u32();
    if (reserved !== 0) throw new ByteRangeError(`reserved field ${reserved} (must be 0)`);
    if (scheme === SchemeTag.float32) {
      if (bits !== 32) throw new ByteRangeError(`float32 entry with bits ${bits} (must be 32)`);
      out.set(tensor, { tensor, scheme: 'float32', values: r.f32s(n, 'codes') });
      continue;
    }
    if (bits < 1 || bits > 16) throw new ByteRangeError(`code width ${bits} outside 1..16`);
    if (scheme === SchemeTag.linear) {
      const groups = r.u32();
      if (groups === 0) throw new ByteRangeError('linear entry with no scale');
      const scales = r.f32s(groups, 'codebooks');
      const zeroPoints = r.f32s(groups, 'codebooks');
      const words = r.u32s(packedWordCount(n, bits), 'codes');
      out.set(tensor, { tensor, scheme: 'linear', scales, zeroPoints, codes: { bits, count: n, words } });
    } else if (scheme === SchemeTag.codebook) {
      const entries = r.u32();
      if (entries === 0 || entries > 2 ** bits) throw new ByteRangeError(`codebook of ${entries} entries for ${bits}-bit codes`);
      const codebook = r.f32s(entries, 'codebooks');
      const words = r.u32s(packedWordCount(n, bits), 'codes');
      out.set(tensor, { tensor, scheme: 'codebook', codebook, codes: { bits, count: n, words } });
    } else {
      throw new ByteRangeError(`unknown quantisation scheme ${scheme}`);
    }
  }
  return out;
}

/**
 * Writes named float32 tensors: u32 count, then per tensor: u16 name length,
 * UTF-8 name, u8 rank, rank u32 dimensions, prod(shape) f32 values.
 */
export function writeNamedTensors(w: ByteWriter, tensors: readonly NamedTensor[]): number {
  w.u32(tensors.length);
  for (const t of tensors) {
    const name = UTF8_ENCODER.encode(t.name);
    w.u16(name.length);
    w.bytes(name);
    w.u8(t.shape.length);
    for (const d of t.shape) w.u32(d);
    w.f32s(t.values);
  }
  return tensors.length;
}

/** Reads what {@link writeNamedTensors} wrote; values counted under `component`. */
export function readNamedTensors(r: ByteReader, component: SizeComponent): NamedTensor[] {
  const count = r.u32();
  const out: NamedTensor[] = [];
  const names = new Set<string>();
  for (let k = 0; k < count; k++) {
    const name = UTF8_DECODER.decode(r.raw(r.u16()));
    if (name.length === 0 || names.has(name)) throw new ByteRangeError(`tensor name ${JSON.stringify(name)} empty or repeated`);
    names.add(name);
    const rank = r.u8();
    const shape: number[] = [];
    for (let d = 0; d < rank; d++) shape.push(r.u32());
    const size = shape.reduce((a, b) => a * b, 1);
    if (size * 4 > r.remaining) throw new ByteRangeError(`tensor ${name} of shape [${shape.join(', ')}] does not fit in the section`);
    out.push({ name, shape, values: r.f32s(size, component) });
  }
  return out;
}

/** UTF-8 bytes of a JSON text. */
export function utf8(text: string): Uint8Array {
  return UTF8_ENCODER.encode(text);
}

/** Decodes UTF-8 (strictly: invalid sequences throw). */
export function fromUtf8(bytes: Uint8Array): string {
  return UTF8_DECODER.decode(bytes);
}
