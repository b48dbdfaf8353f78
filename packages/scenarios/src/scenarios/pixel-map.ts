import { InvalidArgumentError, type Rng } from '@retain/core';
import type { ImageShape } from '../datasets/labeled-images.js';

/**
 * A per-image gather map: output value `j` (in HWC order of the output
 * shape) is source value `map[j]` of the same image, or 0 where `map[j]` is
 * -1 (padding, pixels rotated in from outside). Permutations, rotations,
 * padding, resizing and grey-to-RGB are all such maps, so every transform is
 * applied while a batch is built and the dataset is never copied.
 */
export interface PixelMap {
  /** Shape of the images the map reads. */
  readonly from: ImageShape;
  /** Shape of the images it produces. */
  readonly to: ImageShape;
  /** Source index per output value, -1 for zero. */
  readonly map: Int32Array;
}

function size(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}

/**
 * A fixed random permutation of the pixel positions (channels of a pixel
 * move together), drawn from `rng`.
 */
export function permutationMap(shape: ImageShape, rng: Rng): PixelMap {
  const [h, w, c] = shape;
  const perm = rng.permutation(h * w);
  const map = new Int32Array(h * w * c);
  for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) map[p * c + k] = (perm[p] ?? 0) * c + k;
  return { from: shape, to: shape, map };
}

/**
 * Rotation by `degrees` counter-clockwise about the image centre, nearest
 * neighbour, zero outside (as torchvision's rotate with its default
 * NEAREST interpolation and fill 0).
 */
export function rotationMap(shape: ImageShape, degrees: number): PixelMap {
  if (!Number.isFinite(degrees)) throw new InvalidArgumentError('angle', degrees, 'a finite number of degrees');
  const [h, w, c] = shape;
  const theta = (degrees * Math.PI) / 180;
  // Snap cos/sin so that multiples of 90 degrees are exact.
  const cos = Math.round(Math.cos(theta) * 1e12) / 1e12;
  const sin = Math.round(Math.sin(theta) * 1e12) / 1e12;
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  const map = new Int32Array(h * w * c).fill(-1);
  for (let r = 0; r < h; r++) {
    for (let col = 0; col < w; col++) {
      const x = col - cx;
      const y = r - cy;
      // Inverse mapping (output -> source) of a counter-clockwise turn with the y axis pointing down.
      const sc = Math.round(cos * x - sin * y + cx);
      const sr = Math.round(sin * x + cos * y + cy);
      if (sr < 0 || sr >= h || sc < 0 || sc >= w) continue;
      for (let k = 0; k < c; k++) map[(r * w + col) * c + k] = (sr * w + sc) * c + k;
    }
  }
  return { from: shape, to: shape, map };
}

/**
 * Brings images of shape `from` to shape `to`: 'pad' centres them on a zero
 * canvas (needs `to` at least as large; GPM's 5-datasets pads 28x28 to
 * 32x32), 'resize' samples nearest neighbours. One channel is replicated to
 * three (grey to RGB); three channels cannot become one.
 */
export function fitMap(from: ImageShape, to: ImageShape, mode: 'pad' | 'resize'): PixelMap {
  const [fh, fw, fc] = from;
  const [th, tw, tc] = to;
  if (!(fc === tc || fc === 1)) throw new InvalidArgumentError('shape', to, `a channel count equal to ${fc} or a grey source (1 channel) to replicate`);
  if (mode === 'pad' && (th < fh || tw < fw)) throw new InvalidArgumentError('shape', to, `at least ${fh}x${fw} to pad into (use fit: 'resize' to shrink)`);
  const map = new Int32Array(th * tw * tc).fill(-1);
  const top = Math.floor((th - fh) / 2);
  const left = Math.floor((tw - fw) / 2);
  for (let r = 0; r < th; r++) {
    for (let col = 0; col < tw; col++) {
      let sr: number;
      let sc: number;
      if (mode === 'pad') {
        sr = r - top;
        sc = col - left;
        if (sr < 0 || sr >= fh || sc < 0 || sc >= fw) continue;
      } else {
        sr = Math.min(fh - 1, Math.floor(((r + 0.5) * fh) / th));
        sc = Math.min(fw - 1, Math.floor(((col + 0.5) * fw) / tw));
      }
      for (let k = 0; k < tc; k++) map[(r * tw + col) * tc + k] = (sr * fw + sc) * fc + (fc === 1 ? 0 : k);
    }
  }
  return { from, to, map };
}

/** `outer` after `inner`: reads what `inner` produces, so the result maps `inner.from` to `outer.to`. */
export function composeMaps(outer: PixelMap, inner: PixelMap): PixelMap {
  if (size(outer.from) !== size(inner.to)) throw new InvalidArgumentError('maps', [outer.from, inner.to], 'shapes that chain');
  const map = new Int32Array(outer.map.length);
  for (let j = 0; j < map.length; j++) {
    const m = outer.map[j] ?? -1;
    map[j] = m < 0 ? -1 : (inner.map[m] ?? -1);
  }
  return { from: inner.from, to: outer.to, map };
}
