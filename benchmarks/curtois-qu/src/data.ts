import { fileURLToPath } from 'node:url';

/**
 * Where the 24 instances are read from: `CQ_DATA_DIR` when set, else the copy kept in this package
 * (`benchmarks/curtois-qu/data/`, byte-exact). Resolved from this module, so it holds from `src/` and `dist/`.
 */
export function instanceDir(): string {
  return process.env.CQ_DATA_DIR ?? fileURLToPath(new URL('../data/', import.meta.url));
}
