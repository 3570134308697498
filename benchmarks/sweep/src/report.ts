/**
 * The sweep's records and how they are written: `sweep.json` holds this run's records (replaced each run);
 * `sweep.md` gets this run as a new dated section on top, under the file's title, older sections kept below.
 */
import { commitLabel } from '@flexroster/cli';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Shape } from './design.js';
import type { ProbeResult } from './probe.js';

/** One solver's result on one shape. Costs are our evaluator's; null where there is none. */
export interface SolverRecord {
  status: string;
  cost: number | null;
  bound: number | null;
  gap: number | null;
  hardViolations: number | null;
  /** Wall-clock seconds of the solve, model build included (scenario generation excluded). */
  wallSeconds: number;
  peakRssMiB: number | null;
  message?: string;
}

export interface OursRecord extends SolverRecord {
  /** Every bound the solve found, by source (`SolveResult.bounds`); `bound` is the strongest. */
  bounds?: Record<string, number>;
  /** The cost solve() reported, to be compared with the evaluator's. */
  solverCost: number | null;
  buildSeconds: number | null;
  columns: number | null;
  rows: number | null;
}

export interface PeerRecord extends SolverRecord {
  peer: string;
  version: string | null;
  threads: number;
  timeLimitSeconds: number;
  objective: number | null;
  command: string | null;
}

export interface ShapeRecord {
  index: number;
  name: string;
  shape: Shape;
  startDate: string;
  limitSeconds: number;
  ours: OursRecord;
  peer?: PeerRecord;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  date: string;
  commit: string;
}

export interface SweepRun {
  machine: MachineInfo;
  probe: ProbeResult;
  command: string;
  shapes: number;
  seed: number;
  backend: string;
  timeScale: number;
  peerTimeScale: number | null;
  policy: string;
  records: ShapeRecord[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    date: new Date().toISOString(),
    commit: commitLabel(),
  };
}

function fmt(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : (x * 100).toFixed(2);
}

const SOURCE_NAMES: Record<string, string> = { coverage: 'cover', lp: 'LP', lpByWeek: 'weekly LPs', classLp: 'class LP', mip: 'MIP' };

/** "LP 3,140 · MIP 3,142.5", weakest first. */
function boundsBySource(bounds: Record<string, number> | undefined): string {
  if (!bounds || Object.keys(bounds).length === 0) return '–';
  return Object.entries(bounds)
    .sort((a, b) => a[1] - b[1])
    .map(([k, v]) => `${SOURCE_NAMES[k] ?? k} ${fmt(v)}`)
    .join(' · ');
}

/**
 * Our gap read against the peer, in points of our cost: "roster +a" where the peer's roster (keeping every
 * hard rule) is cheaper, "bound −b" where the peer proved a higher bound than ours. What neither explains is
 * still open between the two.
 */
export function gapRead(o: SolverRecord, p: SolverRecord | undefined): string {
  if (!p || o.cost === null || o.cost <= 0) return '–';
  const parts: string[] = [];
  if (p.cost !== null && p.hardViolations === 0 && p.cost < o.cost - 1e-9) parts.push(`roster +${pct((o.cost - p.cost) / o.cost)}`);
  if (p.bound !== null && (o.bound === null || p.bound > o.bound + 1e-9)) parts.push(`bound −${pct((p.bound - (o.bound ?? 0)) / o.cost)}`);
  return parts.length > 0 ? parts.join(' · ') : 'neither';
}

export function table(records: readonly ShapeRecord[]): string {
  const peer = records.some((r) => r.peer);
  const head = ['#', 'shape', 'agents × days', 'limit s', 'status', 'cost', 'bound', 'gap %', 'bounds by source', 'hard viol.', 'wall s', 'peak RSS MiB'];
  if (peer) head.push('CBC status', 'CBC cost', 'CBC bound', 'CBC hard viol.', 'CBC s', 'CBC peak RSS MiB', 'our gap read against CBC');
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of records) {
    const o = r.ours;
    // The name's first part repeats the number and size; the table shows them in their own columns.
    const rest = r.name.replace(/^#\d+ \d+ agents × \d+ d, /, '');
    const row = [String(r.index), `${rest}; from ${r.startDate}`, `${r.shape.agents} × ${r.shape.days}`, fmt(r.limitSeconds), o.status, fmt(o.cost), fmt(o.bound), pct(o.gap), boundsBySource(o.bounds), o.hardViolations === null ? '–' : String(o.hardViolations), fmt(o.wallSeconds), fmt(o.peakRssMiB, 0)];
    if (peer) {
      const p = r.peer;
      row.push(p?.status ?? '–', fmt(p?.cost), fmt(p?.bound), p?.hardViolations == null ? '–' : String(p.hardViolations), fmt(p?.wallSeconds), fmt(p?.peakRssMiB, 0), gapRead(o, p));
    }
    lines.push(`| ${row.join(' | ')} |`);
  }
  return lines.join('\n');
}

export function section(run: SweepRun): string {
  const m = run.machine;
  const p = run.probe;
  const totalLimit = run.records.reduce((s, r) => s + r.limitSeconds, 0);
  const peer = run.records.find((r) => r.peer?.version)?.peer ?? run.records.find((r) => r.peer)?.peer;
  const lines = [
    `## ${run.records.length} of ${run.shapes} shapes, seed ${run.seed}, ${run.backend} (${m.date.slice(0, 16).replace('T', ' ')} UTC)`,
    '',
    `Machine: ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.platform}; commit ${m.commit}.`,
    `Measured speed: **probe ${p.seconds.toFixed(2)} s** (build ${p.buildSeconds.toFixed(2)} s + LP ${p.lpSeconds.toFixed(2)} s, ${p.columns} columns × ${p.rows} rows, LP ${p.lpStatus} ${fmt(p.lpObjective, 2)}): ${p.description}. Smaller is faster.`,
    `Time limits: ${run.policy}; --time-scale ${run.timeScale}; their total here ${totalLimit.toFixed(1)} s.${peer ? ` Peer: ${peer.peer} ${peer.version ?? '(version unknown)'}, ${peer.threads} threads, limit × ${run.peerTimeScale}.` : ''}`,
    `Rerun: \`${run.command}\`. Costs are our evaluator's (\`evaluate\`) for both solvers; wall s includes the model build; peak RSS is the child process's \`maxRSS\`.${peer ? ' CBC s covers the export of our model to MPS, CBC itself, decoding and evaluation; its peak RSS is the cbc process\'s own (VmHWM, polled).' : ''}`,
    '',
    table(run.records),
    '',
  ];
  return lines.join('\n');
}

const TITLE = '# Sweep of contact-centre scenario shapes';

/** Writes this run's records to `<dir>/sweep.json`, replacing the file; returns its path. */
export function writeJson(dir: string, run: SweepRun): string {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'sweep.json');
  writeFileSync(json, `${JSON.stringify(run, null, 2)}\n`);
  return json;
}

/** Puts this run's section on top of `<dir>/sweep.md`, under its title, older sections kept; returns its path. */
export function writeMarkdown(dir: string, run: SweepRun): string {
  mkdirSync(dir, { recursive: true });
  const md = join(dir, 'sweep.md');
  const old = existsSync(md) ? readFileSync(md, 'utf8') : '';
  const older = old.startsWith(TITLE) ? old.slice(TITLE.length).replace(/^\n+/, '') : old;
  writeFileSync(md, `${TITLE}\n\n${section(run)}${older ? `\n${older}` : ''}`);
  return md;
}
