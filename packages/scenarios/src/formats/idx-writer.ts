import { InvalidArgumentError } from '@retain/core';

/**
 * Encodes unsigned bytes as an IDX file (type 0x08): the inverse of
 * parseIdx, used to write the embedded subset and test fixtures.
 */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  if (dims.length < 1 || dims.length > 255 || !dims.every((d) => Number.isInteger(d) && d >= 0 && d <= 0xffffffff)) {
    throw new InvalidArgumentError('dims', dims, '1 to 255 non-negative 32-bit integers');
  }
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new InvalidArgumentError('data.length', data.length, `${size} (the product of dims)`);
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
