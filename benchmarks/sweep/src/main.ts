/**
 * Sweep runner: `pnpm bench:sweep -- --shapes 24 --seed 1 [--only 1,5,7] [--backend highs] [--time-scale 1]
 * [--peer cbc] [--peer-time-scale 1] [--out benchmarks/results]` (see USAGE in args.ts).
 *
 * First the CPU probe, then for each shape our solve and (with --peer) CBC's, each in its own child process,
 * one after the other: the child regenerates the scenario from (shapes, seed, index), solves it, scores the
 * roster with our evaluator and reports back, so its maxRSS is that run's peak and runs do not disturb each other.
 */
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, relativeGap, solve } from '@flexroster/core';
import { backendByName } from '@flexroster/cli';
import { findOnPath, runCbc } from '@flexroster/bench-peer';
import { parseArgs, USAGE, UsageError, type SweepOptions } from './args.js';
import { designShapes, shapeName } from './design.js';
import { generateShape } from './generate.js';
import { POLICY_TEXT, timeLimitSeconds } from './policy.js';
import { runProbe, type ProbeResult } from './probe.js';
import { machineInfo, writeJson, writeMarkdown, section, type OursRecord, type PeerRecord, type ShapeRecord, type SweepRun } from './report.js';
import { watchChildrenPeak } from './rss.js';

interface ShapeTask {
  kind: 'ours' | 'peer';
  shapes: number;
  seed: number;
  index: number;
  limitSeconds: number;
  backend: string;
}
type ChildTask = { kind: 'probe' } | ShapeTask;

const HEAP_MB = 4096;
const PEER_THREADS = 2;

function peakRssMiB(): number {
  // maxRSS covers the whole process, worker threads (HiGHS's WebAssembly heaps) included; it is in KiB.
  return process.resourceUsage().maxRSS / 1024;
}

async function ours(task: ShapeTask): Promise<OursRecord> {
  const { scenario } = generateShape(task.shapes, task.seed, task.index);
  const t = performance.now();
  const r = await solve(scenario, { timeLimitSeconds: task.limitSeconds, backend: backendByName(task.backend), seed: task.seed });
  const wallSeconds = (performance.now() - t) / 1000;
  const ev = evaluate(scenario, r.roster);
  const bound = r.lowerBound ?? null;
  return {
    status: r.status,
    cost: ev.costs.total,
    solverCost: r.cost,
    bound,
    ...(r.bounds ? { bounds: { ...r.bounds } } : {}),
    gap: r.gap ?? (bound === null ? null : relativeGap(ev.costs.total, bound)),
    hardViolations: ev.violations.length,
    wallSeconds,
    buildSeconds: r.stats.buildSeconds,
    peakRssMiB: peakRssMiB(),
    columns: r.stats.variables,
    rows: r.stats.rows,
    message: r.reason,
  };
}

/** CBC's version from its banner, for runs whose log has none (a CBC stopped before it flushed its output). */
function cbcVersion(): string | null {
  const binary = findOnPath('cbc');
  if (!binary) return null;
  try {
    return /Version:\s*(\S+)/.exec(execFileSync(binary, ['-quit'], { input: '', encoding: 'utf8', timeout: 10_000 }))?.[1] ?? null;
  } catch {
    return null;
  }
}

async function peer(task: ShapeTask): Promise<PeerRecord> {
  const { scenario } = generateShape(task.shapes, task.seed, task.index);
  const workDir = mkdtempSync(join(tmpdir(), `flexroster-sweep-cbc-${task.index}-`));
  const watch = watchChildrenPeak();
  const t = performance.now();
  const r = await runCbc(scenario, { timeLimitSeconds: task.limitSeconds, threads: PEER_THREADS, workDir });
  const wallSeconds = (performance.now() - t) / 1000;
  const cbcPeak = watch.stop();
  // The model file can be hundreds of MB; CBC's log and solution stay for a look.
  if (r.modelPath) rmSync(r.modelPath, { force: true });
  return {
    peer: r.peer,
    version: r.version ?? (r.available ? cbcVersion() : null),
    threads: r.threads,
    timeLimitSeconds: r.timeLimitSeconds,
    command: r.command ?? null,
    status: r.status,
    objective: r.objective ?? null,
    cost: r.cost ?? null,
    bound: r.bound ?? null,
    gap: r.cost !== undefined && r.bound !== undefined ? relativeGap(r.cost, r.bound) : null,
    hardViolations: r.hardViolations ?? null,
    wallSeconds,
    peakRssMiB: cbcPeak,
    message: [r.message, r.logPath ? `log ${r.logPath}` : undefined].filter(Boolean).join('; '),
  };
}

async function child(task: ChildTask): Promise<unknown> {
  if (task.kind === 'probe') return runProbe();
  return task.kind === 'ours' ? ours(task) : peer(task);
}

/** Runs one task in a fresh Node process; resolves with its answer, or rejects when it fails or overruns. */
function inChild<T>(task: ChildTask, killAfterSeconds: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const cp = fork(fileURLToPath(import.meta.url), ['--child', JSON.stringify(task)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [`--max-old-space-size=${HEAP_MB}`] });
    type Answer = { ok: true; value: T } | { ok: false; error: string };
    let answer: Answer | undefined;
    const timer = setTimeout(() => {
      answer ??= { ok: false, error: `killed after ${killAfterSeconds} s without an answer` };
      cp.kill('SIGKILL');
    }, killAfterSeconds * 1000);
    // After its answer a child should end at once; one that lingers (a stray worker) is ended before the next run.
    cp.on('message', (m) => {
      answer ??= m as Answer;
      setTimeout(() => cp.kill('SIGKILL'), 10_000).unref();
    });
    cp.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (answer?.ok) resolve(answer.value);
      else reject(new Error(answer?.error ?? `child exited with ${code ?? signal} without an answer`));
    });
  });
}

/** A run that did not answer still gets its row. */
function failure(e: unknown, seconds: number) {
  return { status: 'error', cost: null, bound: null, gap: null, hardViolations: null, wallSeconds: seconds, peakRssMiB: null, message: e instanceof Error ? e.message : String(e) };
}

export function rerunCommand(o: SweepOptions): string {
  const parts = ['pnpm bench:sweep --', `--shapes ${o.shapes}`, `--seed ${o.seed}`];
  if (o.only) parts.push(`--only ${o.only.join(',')}`);
  parts.push(`--backend ${o.backend}`, `--time-scale ${o.timeScale}`);
  if (o.peer) parts.push(`--peer ${o.peer}`, `--peer-time-scale ${o.peerTimeScale}`);
  parts.push(`--out ${o.out}`);
  return parts.join(' ');
}

function brief(r: OursRecord | PeerRecord): string {
  const n = (x: number | null, d = 1) => (x === null ? '–' : x.toFixed(d));
  return `${r.status}, cost ${n(r.cost)}, bound ${n(r.bound)}, ${r.hardViolations ?? '–'} hard violations, ${n(r.wallSeconds)} s, ${n(r.peakRssMiB, 0)} MiB`;
}

/** Generous: a run that overruns its limit this much has hung. */
function killAfter(limitSeconds: number): number {
  return 2 * limitSeconds + 120;
}

/** Runs the sweep; after each shape, `sweep.json` in o.out is rewritten with the records so far. */
export async function runSweep(o: SweepOptions, log: (line: string) => void = (l) => console.error(l)): Promise<SweepRun> {
  const machine = machineInfo();
  log(`machine: ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}, commit ${machine.commit}`);
  const probe = await inChild<ProbeResult>({ kind: 'probe' }, 600);
  log(`probe: ${probe.seconds.toFixed(2)} s (build ${probe.buildSeconds.toFixed(2)} s + LP ${probe.lpSeconds.toFixed(2)} s)`);
  const shapes = designShapes(o.shapes, o.seed);
  const run: SweepRun = { machine, probe, command: rerunCommand(o), shapes: o.shapes, seed: o.seed, backend: o.backend, timeScale: o.timeScale, peerTimeScale: o.peer ? o.peerTimeScale : null, policy: POLICY_TEXT, records: [] };
  for (const shape of shapes.filter((s) => !o.only || o.only.includes(s.index))) {
    const limitSeconds = timeLimitSeconds(shape, o.timeScale);
    const base = { shapes: o.shapes, seed: o.seed, index: shape.index, backend: o.backend };
    const { scenario } = generateShape(o.shapes, o.seed, shape.index);
    const record: ShapeRecord = { index: shape.index, name: shapeName(shape), shape, startDate: scenario.horizon.startDate, limitSeconds, ours: undefined as unknown as OursRecord };
    log(`${record.name}: limit ${limitSeconds} s`);
    let t = performance.now();
    record.ours = await inChild<OursRecord>({ kind: 'ours', ...base, limitSeconds }, killAfter(limitSeconds)).catch((e): OursRecord => ({ ...failure(e, (performance.now() - t) / 1000), solverCost: null, buildSeconds: null, columns: null, rows: null }));
    const r = record.ours;
    log(`  ours: ${brief(r)}`);
    if (o.peer) {
      const peerLimit = Math.round(limitSeconds * o.peerTimeScale * 10) / 10;
      t = performance.now();
      record.peer = await inChild<PeerRecord>({ kind: 'peer', ...base, limitSeconds: peerLimit }, killAfter(peerLimit)).catch(
        (e): PeerRecord => ({ ...failure(e, (performance.now() - t) / 1000), peer: o.peer!, version: null, threads: PEER_THREADS, timeLimitSeconds: peerLimit, objective: null, command: null }),
      );
      const p = record.peer;
      log(`  ${p.peer}: ${brief(p)}`);
    }
    run.records.push(record);
    writeJson(o.out, run);
  }
  return run;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--child') {
    try {
      process.send!({ ok: true, value: await child(JSON.parse(argv[1]!) as ChildTask) });
    } catch (e) {
      process.send!({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
    process.disconnect();
    return 0;
  }
  let o: SweepOptions;
  try {
    o = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`bench:sweep: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  const run = await runSweep(o);
  const json = writeJson(o.out, run);
  const md = writeMarkdown(o.out, run);
  console.log(section(run));
  console.error(`wrote ${json} and ${md}`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main(process.argv.slice(2));
