/**
 * Swap-check latency while a solve job keeps a worker busy: starts the built server as its own process
 * (as `pnpm start` does) on 127.0.0.1 and a free port,
 * starts a long CPU-bound solve job (40 agents × 14 days on a 15-minute grid), then drives POST /v1/swaps/check with autocannon for a fixed time.
 * A baseline run without a solve comes first, for comparison.
 *
 *   node services/api/dist/bench/latency.js [--seconds 10]   (seconds per run)
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { exampleRoster, exampleScenario, exampleSwap } from '../examples.js';
import { benchArgs, numberArg } from './args.js';
import { largeScenario, largeSwapCheck } from './scenarios.js';
import { startServerProcess } from './server-process.js';

interface Run {
  readonly name: string;
  readonly body: unknown;
  readonly connections: number;
  readonly whileSolving: boolean;
}

const USAGE = 'node services/api/dist/bench/latency.js [--seconds 10]   (seconds per run, at most 120)';
const seconds = numberArg('seconds', benchArgs(USAGE, { seconds: { type: 'string', default: '10' } }).seconds, USAGE, 0, 120);

const smallBody = { scenario: exampleScenario, roster: exampleRoster, swap: exampleSwap };
const weekBody = largeSwapCheck(40, 7);
const runs: Run[] = [
  { name: 'baseline, 40-agent week, 1 connection', body: weekBody, connections: 1, whileSolving: false },
  { name: 'solving, 40-agent week, 1 connection', body: weekBody, connections: 1, whileSolving: true },
  { name: 'solving, 40-agent week, 10 connections', body: weekBody, connections: 10, whileSolving: true },
  { name: 'solving, 3-agent example, 1 connection', body: smallBody, connections: 1, whileSolving: true },
];

// A separate process, so that autocannon's own work does not share the server's event loop; a fresh
// data directory and a known admin key, whose rate limit is raised so that the run measures latency.
const dataDir = await mkdtemp(join(tmpdir(), 'flexroster-latency-'));
const adminKey = `frk_${randomBytes(18).toString('base64url')}`;
const server = await startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: '', FLEXROSTER_ADMIN_KEY: adminKey });
const base = new URL(server.url);
const auth = { authorization: `Bearer ${adminKey}` };
const send = async (method: string, path: string, body: unknown) => {
  const res = await fetch(new URL(path, base), { method, headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
};
const post = (path: string, body: unknown) => send('POST', path, body);
const policy = await send('PUT', '/v1/policy', { limits: { requestsPerMinute: 100_000 } });
if (policy.status !== 200) throw new Error(`could not raise the rate limit: ${policy.status} ${JSON.stringify(policy.json)}`);

async function startSolve(): Promise<string> {
  // With HiGHS (the default) this MIP runs to its time limit: the heuristic, then HiGHS, CPU-bound throughout.
  // Without HiGHS the heuristic converges after a few seconds and the run reports the job ended.
  const started = await post('/v1/solve-jobs', { scenario: largeScenario(40, 14), options: { timeLimitSeconds: 600 } });
  if (started.status !== 202) throw new Error(`could not start the solve job: ${started.status} ${JSON.stringify(started.json)}`);
  const location = started.headers.get('location')!;
  // Measure only once the solve really runs (past the worker start-up).
  for (;;) {
    const job = (await (await fetch(new URL(location, base), { headers: auth })).json()) as { status: string };
    if (job.status === 'running') break;
    if (job.status !== 'queued') throw new Error(`the solve job ended early: ${job.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 1000));
  return location;
}

const rows: string[] = [];
let job: string | undefined;
try {
  for (const run of runs) {
    if (run.whileSolving && !job) job = await startSolve();
    const check = await post('/v1/swaps/check', run.body);
    if (check.status !== 200) throw new Error(`swap check failed: ${check.status} ${JSON.stringify(check.json)}`);
    const result = await autocannon({
      url: new URL('/v1/swaps/check', base).href,
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(run.body),
      connections: run.connections,
      duration: seconds,
    });
    if (run.whileSolving && job) {
      const state = (await (await fetch(new URL(job, base), { headers: auth })).json()) as { status: string };
      if (state.status !== 'running') throw new Error(`the solve job stopped during the run (${state.status}): the measurement is void`);
    }
    rows.push(
      `| ${run.name} | ${result.requests.total} | ${result.requests.average} | ${result.latency.p50} | ${result.latency.p99} | ${result.latency.max} | ${result.non2xx + result.errors} |`,
    );
  }
} finally {
  if (job) await fetch(new URL(job, base), { method: 'DELETE', headers: auth });
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}

console.log(`POST /v1/swaps/check, ${seconds} s per run (autocannon; latency in ms)\n`);
console.log('| run | requests | req/s | p50 | p99 | max | errors |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
