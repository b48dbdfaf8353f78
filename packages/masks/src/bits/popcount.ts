/** Number of set bits of a 32-bit word (SWAR popcount). */
export function popcount32(word: number): number {
  let v = word >>> 0;
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Number of set bits in `words` (the first `wordCount` of them, all by default). */
export function popcountWords(words: Uint32Array, wordCount = words.length): number {
  let total = 0;
  for (let i = 0; i < wordCount; i++) total += popcount32(words[i] ?? 0);
  return total;
}
