/**
 * Cold start and idle footprint of the built server: starts `dist/server.js` on a fresh, empty DATA_DIR,
 * reports the time from spawn until /health answers, until the store is open (the server logs "store
 * ready"), and the resident memory of the idle process after that (worker threads included: they live in
 * the same process). The server runs with the node flags of the root `pnpm start` script, read from there,
 * so that the figure is the quick start's. Run: `node services/api/dist/bench/cold-start.js [--runs 3]`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs, numberArg } from './args.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident set size of a process in MB, from /proc (Linux). */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`)).status === 200;
  } catch {
    return false;
  }
}

/** The node flags `pnpm start` gives the server (e.g. `--v8-pool-size=1`). */
export async function startFlags(): Promise<string[]> {
  const pkg = JSON.parse(await readFile(new URL('../../../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const command = /\bnode\s+((?:--\S+\s+)*)services\/api\/dist\/server\.js/.exec(pkg.scripts.start);
  if (!command) throw new Error(`the root start script does not run services/api/dist/server.js: ${pkg.scripts.start}`);
  return command[1]!.split(/\s+/).filter((f) => f.length > 0);
}

export async function measureColdStart(): Promise<{ startMs: number; storeMs: number; idleRssMb: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'flexroster-cold-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const child = spawn(process.execPath, [...(await startFlags()), fileURLToPath(new URL('../server.js', import.meta.url))], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let storeMs: number | undefined;
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    if (storeMs === undefined && chunk.includes('"store ready"')) storeMs = performance.now() - t0;
  });
  try {
    while (!(await healthy(url))) {
      if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
      if (performance.now() - t0 > 60_000) throw new Error('no answer from /health within 60 s');
      await sleep(10);
    }
    const startMs = performance.now() - t0;
    while (storeMs === undefined) {
      if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
      if (performance.now() - t0 > 120_000) throw new Error('the store did not open within 120 s');
      await sleep(10);
    }
    // Idle: let start-up garbage be collected and any lazy work settle.
    await sleep(3000);
    return { startMs, storeMs, idleRssMb: await rssMb(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const USAGE = 'node services/api/dist/bench/cold-start.js [--runs 3]';
  const runs = numberArg('runs', benchArgs(USAGE, { runs: { type: 'string', default: '3' } }).runs, USAGE, 0, 100);
  for (let i = 0; i < runs; i++) {
    const { startMs, storeMs, idleRssMb } = await measureColdStart();
    console.log(`run ${i + 1}: /health after ${startMs.toFixed(0)} ms, store ready after ${storeMs.toFixed(0)} ms, idle RSS ${idleRssMb.toFixed(0)} MB`);
  }
}
