#!/usr/bin/env node
// The compression layer's benchmarks in one run (issue targets in brackets):
//   @retain/quantization: optimal k-means of 1e6 float32 into 64 clusters [< 1 s],
//                         Lloyd k=16, 20 iterations on 1e6 [< 0.3 s]
//   @retain/pruning:      magnitude-prune threshold on 1e6 weights [< 50 ms]
//   @retain/masks:        pack / unpack of 4-bit codes [>= 200 MB/s]
// Each part is its own script (tools/bench-{quantization,pruning,masks}.mjs) and
// prints its own measured numbers. Build first: `npm run build`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

let failed = 0;
for (const part of ['quantization', 'pruning', 'masks']) {
  console.log(`\n=== tools/bench-${part}.mjs ===`);
  const r = spawnSync(process.execPath, [join(import.meta.dirname, `bench-${part}.mjs`)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`bench-${part} exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
