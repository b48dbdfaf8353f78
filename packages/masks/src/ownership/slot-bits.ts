/** Bits in one weight slot: a float32 weight, or several tasks' low-bit codes side by side. */
export const SLOT_BITS = 32;
