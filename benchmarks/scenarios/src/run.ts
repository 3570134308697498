/**
 * Scenario benchmark runner: `pnpm bench [--sizes S,M,L,XL] [--backends highs,javascript-lp-solver]
 * [--time-limit N] [--runs N] [--repeat N] [--seed N] [--strategy auto|direct|decompose] [--heap-mb N] [--json out.json]
 * [--md out.md] [--peer cbc]`. With `--repeat`, each seed is solved that many times and a second table gives
 * each seed's spread (a race that decides the roster shows there). Unknown flags are refused (`--help` lists them).
 *
 * Each solve runs in its own child process (so peak memory is per run): it generates the scenario, solves
 * it, and re-checks the roster with the public evaluator (`evaluate(scenario, roster)`). The table shows
 * medians over the runs. Default time limits are the targets: S 30 s, M 10 s, L 60 s, XL 300 s.
 * With `--peer cbc`, each scenario's full MIP is also exported and solved by CBC (same limit, 2 threads), and
 * its roster is judged by the same evaluator; the table shows both side by side.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, solve, type SolveResult } from '@flexroster/core';
import { backendByName, parseFlags, runAsProgram, UsageError } from '@flexroster/cli';
import { runCbc, type PeerResult } from '@flexroster/bench-peer';
import { generateScenario, SIZES, type SizeName } from './generate.js';

export interface RunRecord {
  size: SizeName;
  agents: number;
  days: number;
  backend: string;
  strategy: string;
  seed: number;
  timeLimitSeconds: number;
  status: string;
  buildSeconds: number;
  solveSeconds: number;
  totalSeconds: number;
  cost: number;
  lowerBound: number | null;
  gap: number | null;
  heuristicCost: number | null;
  understaffedAgentHours: number;
  hardViolations: number;
  evaluatorCost: number;
  evaluatorAgrees: boolean;
  peakRssMB: number;
  columns: number;
  rows: number;
  reason: string;
  /** CBC on the same scenario (`--peer cbc`): cost and hard violations by our evaluator. */
  peer?: Omit<PeerResult, 'roster'>;
}

const FLAGS = ['sizes', 'backends', 'time-limit', 'runs', 'repeat', 'seed', 'strategy', 'heap-mb', 'json', 'md', 'peer'];
const HELP = `usage: pnpm bench -- [--sizes S,M,L,XL] [--backends highs,javascript-lp-solver] [--time-limit <s>] [--runs <n>]
                     [--repeat <n>] [--seed <n>] [--strategy auto|direct|decompose] [--heap-mb <MB>] [--json <file>] [--md <file>] [--peer cbc]
  --sizes       generated scenario sizes (default S,M,L)
  --backends    our LP backends to run (default highs)
  --time-limit  seconds per solve (default per size: S 30, M 10, L 60, XL 300)
  --runs        runs per size and backend, seeds seed … seed+runs−1 (default 1)
  --repeat      solves of each seed (default 1); above 1, a second table gives each seed's spread
  --strategy    the core's solve strategy (default auto)
  --heap-mb     V8 heap limit of each run's process (default 4096)
  --json, --md  write the records / the table to a file
  --peer cbc    also solve each scenario's exported MIP with CBC (same limit, 2 threads; needs cbc on PATH)`;

const DEFAULT_LIMITS: Record<SizeName, number> = { S: 30, M: 10, L: 60, XL: 300 };

interface ChildTask {
  size: SizeName;
  backend: string;
  strategy: 'auto' | 'direct' | 'decompose';
  seed: number;
  timeLimitSeconds: number;
}

async function child(task: ChildTask): Promise<RunRecord> {
  const scenario = generateScenario(task.size, task.seed);
  const t = performance.now();
  const r: SolveResult = await solve(scenario, { timeLimitSeconds: task.timeLimitSeconds, backend: backendByName(task.backend), strategy: task.strategy, seed: task.seed });
  const totalSeconds = (performance.now() - t) / 1000;
  const ev = evaluate(scenario, r.roster);
  return {
    size: task.size,
    ...SIZES[task.size],
    backend: task.backend,
    strategy: task.strategy,
    seed: task.seed,
    timeLimitSeconds: task.timeLimitSeconds,
    status: r.status,
    buildSeconds: r.stats.buildSeconds,
    solveSeconds: r.stats.totalSeconds - r.stats.buildSeconds,
    totalSeconds,
    cost: r.cost,
    lowerBound: r.lowerBound ?? null,
    gap: r.gap ?? null,
    heuristicCost: r.stats.heuristicCost ?? null,
    understaffedAgentHours: ev.understaffedAgentHours,
    hardViolations: ev.violations.length,
    evaluatorCost: ev.costs.total,
    evaluatorAgrees: Math.abs(ev.costs.total - r.cost) <= 1e-6 * Math.max(1, Math.abs(r.cost)) && ev.violations.length === r.evaluation.violations.length,
    // maxRSS covers the whole process, worker threads (HiGHS's WebAssembly heaps) included.
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    columns: r.stats.variables,
    rows: r.stats.rows,
    reason: r.reason,
  };
}

function runChild(task: ChildTask, heapMB: number): Promise<RunRecord> {
  return new Promise((resolve, reject) => {
    const cp = fork(fileURLToPath(import.meta.url), ['--child', JSON.stringify(task)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [`--max-old-space-size=${heapMB}`] });
    let record: RunRecord | undefined;
    cp.on('message', (m) => (record = m as RunRecord));
    cp.on('exit', (code) => (record ? resolve(record) : reject(new Error(`run ${JSON.stringify(task)} exited with code ${code}`))));
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function fmt(x: number | null, digits = 1): string {
  return x === null || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

export function table(records: RunRecord[]): string {
  const groups = new Map<string, RunRecord[]>();
  for (const r of records) {
    const k = `${r.size}|${r.backend}|${r.strategy}|${r.timeLimitSeconds}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const withPeer = records.some((r) => r.peer);
  const lines = [
    `| size | agents × days | backend | runs | limit s | build s | solve s | cost | lower bound | gap % | heuristic cost | under-staffed agent-h | hard violations | evaluator agrees | peak RSS MB |${withPeer ? ' CBC status | CBC cost | CBC bound | CBC hard violations |' : ''}`,
    `|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|${withPeer ? '---|---|---|---|' : ''}`,
  ];
  for (const rs of groups.values()) {
    const r0 = rs[0]!;
    const med = (f: (r: RunRecord) => number | null) => {
      const xs = rs.map(f).filter((x): x is number => x !== null);
      return xs.length === rs.length ? median(xs) : null;
    };
    lines.push(
      `| ${r0.size} | ${r0.agents} × ${r0.days} | ${r0.backend}${r0.strategy !== 'auto' ? ` (${r0.strategy})` : ''} | ${rs.length} | ${r0.timeLimitSeconds} | ${fmt(med((r) => r.buildSeconds), 2)} | ${fmt(med((r) => r.solveSeconds))} | ${fmt(med((r) => r.cost))} | ${fmt(med((r) => r.lowerBound))} | ${fmt(med((r) => (r.gap === null ? null : r.gap * 100)), 2)} | ${fmt(med((r) => r.heuristicCost))} | ${fmt(med((r) => r.understaffedAgentHours))} | ${Math.max(...rs.map((r) => r.hardViolations))} | ${rs.every((r) => r.evaluatorAgrees) ? 'yes' : 'NO'} | ${fmt(Math.max(...rs.map((r) => r.peakRssMB)), 0)} |${withPeer ? peerCells(rs, med) : ''}`,
    );
  }
  return lines.join('\n');
}

/** Per size, backend, limit and seed: every run's gap, so that a seed whose answer depends on a race shows it. */
export function spreadTable(records: RunRecord[]): string {
  const groups = new Map<string, RunRecord[]>();
  for (const r of records) {
    const k = `${r.size}|${r.backend}|${r.strategy}|${r.timeLimitSeconds}|${r.seed}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const lines = ['| size | backend | limit s | seed | solves | gap % of each | gap % median | gap % worst | cost median | hard violations (most) |', '|---|---|---|---|---|---|---|---|---|---|'];
  for (const rs of groups.values()) {
    const r0 = rs[0]!;
    const gaps = rs.map((r) => (r.gap === null ? null : r.gap * 100));
    const known = gaps.filter((g): g is number => g !== null);
    const worst = known.length === gaps.length ? Math.max(...known) : null;
    lines.push(
      `| ${r0.size} | ${r0.backend}${r0.strategy !== 'auto' ? ` (${r0.strategy})` : ''} | ${r0.timeLimitSeconds} | ${r0.seed} | ${rs.length} | ${gaps.map((g) => fmt(g, 2)).join(' / ')} | ${fmt(known.length === gaps.length ? median(known) : null, 2)} | ${fmt(worst, 2)} | ${fmt(median(rs.map((r) => r.cost)))} | ${Math.max(...rs.map((r) => r.hardViolations))} |`,
    );
  }
  return lines.join('\n');
}

/** CBC's columns of a table row: its statuses, the medians of cost (our evaluator) and bound, the most hard violations. */
function peerCells(rs: RunRecord[], med: (f: (r: RunRecord) => number | null) => number | null): string {
  const statuses = [...new Set(rs.map((r) => r.peer?.status ?? '–'))].join(', ');
  const violations = rs.map((r) => r.peer?.hardViolations).filter((v): v is number => v !== undefined);
  return ` ${statuses} | ${fmt(med((r) => r.peer?.cost ?? null))} | ${fmt(med((r) => r.peer?.bound ?? null))} | ${violations.length > 0 ? Math.max(...violations) : '–'} |`;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') {
    const record = await child(JSON.parse(argv[1]!) as ChildTask);
    process.send!(record);
    process.disconnect();
    return;
  }
  const { positional, flags, help } = parseFlags(argv, FLAGS);
  if (help) {
    console.log(HELP);
    return;
  }
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const opt = (name: string) => flags.get(name);
  const peer = opt('peer');
  if (peer !== undefined && peer !== 'cbc') throw new UsageError(`--peer must be cbc, got ${peer}`);
  const sizes = (opt('sizes') ?? 'S,M,L').split(',') as SizeName[];
  for (const s of sizes) if (!(s in SIZES)) throw new UsageError(`unknown size ${s}: use ${Object.keys(SIZES).join(', ')}`);
  const backends = (opt('backends') ?? 'highs').split(',');
  const runs = Number(opt('runs') ?? 1);
  const repeat = Number(opt('repeat') ?? 1);
  if (!Number.isInteger(repeat) || repeat < 1) throw new UsageError(`--repeat must be a whole number, at least 1 (got ${opt('repeat')})`);
  const seed = Number(opt('seed') ?? 1);
  const strategy = (opt('strategy') ?? 'auto') as ChildTask['strategy'];
  const limitArg = opt('time-limit');
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a whole number, at least 1 (got ${opt('runs')})`);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number (got ${opt('seed')})`);
  if (limitArg !== undefined && !(Number(limitArg) > 0)) throw new UsageError(`--time-limit must be a positive number of seconds (got ${limitArg})`);
  if (!['auto', 'direct', 'decompose'].includes(strategy)) throw new UsageError(`--strategy must be auto, direct or decompose (got ${strategy})`);
  // V8 lets its heap grow toward this limit before collecting hard, so it shapes the peak RSS a run shows.
  const heapMB = Number(opt('heap-mb') ?? 4096);
  if (!Number.isInteger(heapMB) || heapMB < 256) throw new UsageError(`--heap-mb must be a whole number of megabytes, at least 256 (got ${opt('heap-mb')})`);
  const records: RunRecord[] = [];
  const peerRuns = new Map<string, Omit<PeerResult, 'roster'>>();
  console.error(`machine: ${machine()}`);
  for (const size of sizes)
    for (const backend of backends)
      for (let k = 0; k < runs * repeat; k++) {
        const task: ChildTask = { size, backend, strategy, seed: seed + Math.floor(k / repeat), timeLimitSeconds: limitArg ? Number(limitArg) : DEFAULT_LIMITS[size] };
        const r = await runChild(task, heapMB);
        console.error(`${size} ${backend} seed ${task.seed}: ${r.status} cost ${r.cost} bound ${fmt(r.lowerBound)} gap ${fmt(r.gap === null ? null : r.gap * 100, 2)} % in ${fmt(r.totalSeconds)} s, ${r.hardViolations} hard violations, ${fmt(r.peakRssMB, 0)} MB`);
        if (peer === 'cbc' && k % repeat === 0) {
          r.peer = await peerRun(task, peerRuns);
          console.error(`${size} cbc seed ${task.seed}: ${r.peer.status} cost ${fmt(r.peer.cost ?? null)} bound ${fmt(r.peer.bound ?? null)} in ${fmt(r.peer.seconds)} s, ${r.peer.hardViolations ?? '–'} hard violations${r.peer.message ? ` (${r.peer.message})` : ''}`);
        }
        records.push(r);
      }
  const out = repeat > 1 ? `${table(records)}\n\n${spreadTable(records)}` : table(records);
  console.log(`Machine: ${machine()}\n\n${out}`);
  const json = opt('json');
  if (json) writeFileSync(json, JSON.stringify({ machine: machine(), date: new Date().toISOString(), records }, null, 2));
  const md = opt('md');
  if (md) writeFileSync(md, `Machine: ${machine()}\n\n${out}\n`);
}

/** CBC on the task's scenario, once per size, seed and limit (several backends share it); the log stays in its work dir. */
async function peerRun(task: ChildTask, done: Map<string, Omit<PeerResult, 'roster'>>): Promise<Omit<PeerResult, 'roster'>> {
  const key = `${task.size}-seed${task.seed}-${task.timeLimitSeconds}s`;
  const known = done.get(key);
  if (known) return known;
  const workDir = join(os.tmpdir(), 'flexroster-bench-cbc', key);
  const { roster: _roster, ...result } = await runCbc(generateScenario(task.size, task.seed), { timeLimitSeconds: task.timeLimitSeconds, threads: 2, workDir }).catch(
    (e: unknown): PeerResult => ({ peer: 'cbc', available: true, status: 'error', message: (e as Error).message, threads: 2, timeLimitSeconds: task.timeLimitSeconds, seconds: 0 }),
  );
  done.set(key, result);
  return result;
}

await runAsProgram(import.meta.url, main, HELP);
