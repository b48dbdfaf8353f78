/**
 * Little-endian byte writing and reading for the store format. The reader
 * tallies every byte it consumes under a size component, so a size breakdown
 * is measured from the bytes actually read.
 */

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The parts of a store file that size accounting reports. */
export type SizeComponent =
  | 'codes'
  | 'codebooks'
  | 'masks'
  | 'ownership'
  | 'heads'
  | 'batchNorm'
  | 'shared'
  | 'metadata'
  | 'framing';

/** A growable little-endian byte buffer. */
export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(capacity = 1024) {
    this.buffer = new Uint8Array(capacity);
    this.view = new DataView(this.buffer.buffer);
  }

  private reserve(extra: number): number {
    const at = this.length;
    const needed = at + extra;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = needed;
    return at;
  }

  // Each write reserves first, then reads this.view / this.buffer: reserve may replace them.
  u8(value: number): void {
    const at = this.reserve(1);
    this.view.setUint8(at, value);
  }

  u16(value: number): void {
    const at = this.reserve(2);
    this.view.setUint16(at, value, true);
  }

  u32(value: number): void {
    const at = this.reserve(4);
    this.view.setUint32(at, value, true);
  }

  /** A non-negative safe integer as u64. */
  u64(value: number): void {
    const at = this.reserve(8);
    this.view.setBigUint64(at, BigInt(value), true);
  }

  bytes(bytes: Uint8Array): void {
    const at = this.reserve(bytes.length);
    this.buffer.set(bytes, at);
  }

  f32s(values: Float32Array): void {
    const at = this.reserve(values.length * 4);
    if (HOST_LITTLE_ENDIAN) {
      this.buffer.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), at);
    } else {
      for (let i = 0; i < values.length; i++) this.view.setFloat32(at + i * 4, values[i] ?? 0, true);
    }
  }

  u32s(values: Uint32Array): void {
    const at = this.reserve(values.length * 4);
    if (HOST_LITTLE_ENDIAN) {
      this.buffer.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), at);
    } else {
      for (let i = 0; i < values.length; i++) this.view.setUint32(at + i * 4, values[i] ?? 0, true);
    }
  }

  /** Overwrites a u32 written earlier at `offset`. */
  patchU32(offset: number, value: number): void {
    this.view.setUint32(offset, value, true);
  }

  /** Overwrites a u64 written earlier at `offset`. */
  patchU64(offset: number, value: number): void {
    this.view.setBigUint64(offset, BigInt(value), true);
  }

  /** A copy of the bytes written. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** The bytes given to a {@link ByteReader} end too early or hold an impossible value. */
export class ByteRangeError extends Error {}

/** Sequential little-endian reads over one byte range, tallying bytes per component. */
export class ByteReader {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  position = 0;
  /** Component the next reads are counted under. */
  component: SizeComponent = 'framing';
  /** Bytes consumed per component. */
  readonly tally = new Map<SizeComponent, number>();

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.position;
  }

  private take(n: number, component = this.component): number {
    if (n > this.remaining) throw new ByteRangeError(`needs ${n} more byte(s), ${this.remaining} left`);
    const at = this.position;
    this.position += n;
    this.tally.set(component, (this.tally.get(component) ?? 0) + n);
    return at;
  }

  u8(): number {
    return this.view.getUint8(this.take(1));
  }

  u16(): number {
    return this.view.getUint16(this.take(2), true);
  }

  u32(): number {
    return this.view.getUint32(this.take(4), true);
  }

  u64(): number {
    const value = this.view.getBigUint64(this.take(8), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ByteRangeError(`u64 value ${value} exceeds 2^53 - 1`);
    return Number(value);
  }

  /** `n` bytes (a copy), counted under `component`. */
  raw(n: number, component?: SizeComponent): Uint8Array {
    const at = this.take(n, component);
    return this.bytes.slice(at, at + n);
  }

  /** `count` float32 values (a copy), counted under `component`. */
  f32s(count: number, component?: SizeComponent): Float32Array {
    const at = this.take(count * 4, component);
    if (HOST_LITTLE_ENDIAN) return new Float32Array(this.bytes.slice(at, at + count * 4).buffer);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.view.getFloat32(at + i * 4, true);
    return out;
  }

  /** `count` u32 values (a copy), counted under `component`. */
  u32s(count: number, component?: SizeComponent): Uint32Array {
    const at = this.take(count * 4, component);
    if (HOST_LITTLE_ENDIAN) return new Uint32Array(this.bytes.slice(at, at + count * 4).buffer);
    const out = new Uint32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.view.getUint32(at + i * 4, true);
    return out;
  }
}
