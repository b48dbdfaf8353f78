import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

let configured = false;

/**
 * Points tfjs-backend-wasm at the .wasm binaries inside its own installed
 * package, so the backend finds them wherever retain is installed or bundled.
 */
export function configureWasmForNode(): void {
  if (configured || typeof process === 'undefined' || !process.versions?.node) return;
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
  setWasmPaths(`${dirname(entry)}/`);
  configured = true;
}
