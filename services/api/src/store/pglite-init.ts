/**
 * Creates a PGlite data directory (initdb and the migrations) in a child process: `node pglite-init.js <dataDir>`. Initdb
 * takes seconds and several hundred MB of WebAssembly memory that PGlite does not give back (nor, after a
 * worker thread ends, does the allocator to the system); a process that exits returns all of it, and the
 * server then opens the finished directory at its normal footprint.
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_CONF } from './pglite-conf.js';
import { migrate, pgliteStore } from './store.js';

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('usage: pglite-init.js <dataDir>');
  process.exit(2);
}
const store = pgliteStore(await PGlite.create(dataDir, { postgresqlconf: PGLITE_CONF }));
await migrate(store);
await store.close();
