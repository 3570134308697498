/**
 * Creates a PGlite data directory (initdb) on a worker thread. Initdb takes seconds and several hundred MB
 * of WebAssembly memory that PGlite does not give back; on a thread that then exits, the memory goes
 * with it and the server opens the finished directory at its normal footprint.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_CONF } from './pglite-conf.js';

const { dataDir } = workerData as { dataDir: string };
const pg = await PGlite.create(dataDir, { postgresqlconf: PGLITE_CONF });
await pg.close();
parentPort!.postMessage('done');
