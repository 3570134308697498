/**
 * pnpm bench:cq -- --instances 1-24 --time-limit 60 --out <dir> [--backend highs|jslp] [--data <dir>]
 *                  [--time-limits 13-20:300,21-24:600] [--strategy auto|direct|decompose]
 *                  [--heuristic-share <0..1>] [--markdown <file>]
 *
 * `--time-limits` gives some instances their own limit (seconds), overriding `--time-limit` for them.
 *
 * Solves each Curtois & Qu instance through the core (`solve()` on the mapped scenario, see scenario.ts), one
 * child process per instance (so a big instance's memory is released and a crash or overrun of one instance
 * does not end the run; each child is killed at limit + 30 s), writes `<out>/InstanceN.solution.json` and
 * prints a table whose objective and hard-violation count come from the independent evaluator (evaluateCq).
 */
import { fork } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { solve, jslpBackend, type LpBackend } from '@flexroster/core';
import { highsBackend } from '@flexroster/solver-highs';
import { loadInstance } from './parse.js';
import { instanceDir } from './data.js';
import { evaluateCq } from './objective.js';
import { writeSolutionJson } from './solution.js';
import { rosterToAssignments, toScenario } from './scenario.js';

export const BEST_KNOWN: Record<number, number> = {
  1: 607, 2: 828, 3: 1001, 4: 1716, 5: 1143, 6: 1950, 7: 1056, 8: 1300, 9: 439, 10: 4631, 11: 3443, 12: 4040,
  13: 1348, 14: 1278, 15: 3828, 16: 3225, 17: 5746, 18: 4459, 19: 3149, 20: 4769, 21: 21133, 22: 30241, 23: 17285, 24: 40439,
};

interface Options {
  instances: number[];
  timeLimit: number;
  /** Per-instance limits from `--time-limits`, overriding `timeLimit`. */
  timeLimits: Map<number, number>;
  out: string;
  backend: 'highs' | 'jslp';
  strategy?: 'auto' | 'direct' | 'decompose';
  data: string;
  heuristicShare?: number;
  markdown?: string;
}

/** What a child reports back for one instance. */
export interface InstanceResult {
  instance: number;
  objective?: number;
  seconds: number;
  limitSeconds?: number;
  hardViolations?: number;
  status: string;
  detail?: string;
  coreCost?: number;
  candidates?: number;
  columns?: number;
  rows?: number;
  buildSeconds?: number;
  rssMb?: number;
}


function parseRange(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`--instances: cannot read "${part}" (use e.g. 1-12 or 1,3,5-7)`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    for (let i = Math.min(a, b); i <= Math.max(a, b); i++) if (!out.includes(i)) out.push(i);
  }
  for (const n of out) if (!(n in BEST_KNOWN)) throw new Error(`--instances: no instance ${n} (1–24)`);
  return out;
}

function parseArgs(argv: readonly string[]): Options & { child?: number } {
  const args = argv.filter((a) => a !== '--');
  const o: Options & { child?: number } = { instances: parseRange('1-24'), timeLimit: 60, timeLimits: new Map(), out: 'benchmarks/results/curtois-qu', backend: 'highs', data: instanceDir() };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const num = (): number => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < 0) throw new Error(`${flag} needs a non-negative number`);
      return v;
    };
    switch (flag) {
      case '--instances': o.instances = parseRange(value()); break;
      case '--time-limit': o.timeLimit = num(); break;
      case '--time-limits':
        for (const part of value().split(',')) {
          const m = /^([\d-]+):(\d+(?:\.\d+)?)$/.exec(part.trim());
          if (!m) throw new Error(`--time-limits: "${part}" is not <instances>:<seconds>, e.g. 13-20:300`);
          for (const n of parseRange(m[1]!)) o.timeLimits.set(n, Number(m[2]));
        }
        break;
      case '--out': o.out = value(); break;
      case '--data': o.data = value(); break;
      case '--markdown': o.markdown = value(); break;
      case '--heuristic-share': o.heuristicShare = num(); break;
      case '--child': o.child = num(); break;
      case '--strategy': {
        const v = value();
        if (v !== 'auto' && v !== 'direct' && v !== 'decompose') throw new Error('--strategy is auto, direct or decompose');
        o.strategy = v;
        break;
      }
      case '--backend': {
        const b = value();
        if (b !== 'highs' && b !== 'jslp') throw new Error('--backend is highs or jslp');
        o.backend = b;
        break;
      }
      default: throw new Error(`unknown argument ${flag}`);
    }
  }
  return o;
}

/** Child side: solve one instance through the core and write its solution file. */
async function runChild(o: Options, n: number): Promise<InstanceResult> {
  const t0 = performance.now();
  const instance = await loadInstance(join(o.data, `Instance${n}.txt`));
  const scenario = toScenario(instance);
  const backend: LpBackend = o.backend === 'highs' ? highsBackend() : jslpBackend();
  // The limit covers the whole solve including mapping, so the budget given to the core is what is left.
  const remaining = Math.max(1, o.timeLimit - (performance.now() - t0) / 1000);
  const result = await solve(scenario, {
    timeLimitSeconds: remaining,
    backend,
    ...(o.heuristicShare !== undefined ? { heuristicShare: o.heuristicShare } : {}),
    ...(o.strategy !== undefined ? { strategy: o.strategy } : {}),
  });
  const seconds = Math.round((performance.now() - t0) / 10) / 100;
  const assignments = rosterToAssignments(result.roster);
  const ev = evaluateCq(instance, assignments);
  await mkdir(o.out, { recursive: true });
  await writeSolutionJson(join(o.out, `Instance${n}.solution.json`), { instance: `Instance${n}`, objective: ev.objective, seconds, assignments });
  return {
    instance: n,
    objective: ev.objective,
    seconds,
    hardViolations: ev.hardViolations.length,
    status: result.status,
    detail: result.reason,
    coreCost: result.cost,
    candidates: result.stats.candidateShifts,
    columns: result.stats.variables,
    rows: result.stats.rows,
    buildSeconds: result.stats.buildSeconds,
    rssMb: Math.round(process.memoryUsage().rss / 1e6),
  };
}

/** Parent side: one child per instance, killed at limit + 30 s. */
function runInChild(o: Options, n: number): Promise<InstanceResult> {
  const t0 = performance.now();
  const limit = limitOf(o, n);
  const passOn = ['--child', String(n), '--time-limit', String(limit), '--out', o.out, '--backend', o.backend, '--data', o.data, ...(o.strategy ? ['--strategy', o.strategy] : [])];
  if (o.heuristicShare !== undefined) passOn.push('--heuristic-share', String(o.heuristicShare));
  return new Promise((done) => {
    const child = fork(fileURLToPath(import.meta.url), passOn, { execArgv: ['--max-old-space-size=12288'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: InstanceResult | undefined;
    let why = '';
    const killTimer = setTimeout(() => {
      why = `killed after ${limit + 30} s`;
      child.kill('SIGKILL');
    }, (limit + 30) * 1000);
    child.on('message', (m) => (result = { ...(m as InstanceResult), limitSeconds: limit }));
    child.on('exit', (code, signal) => {
      clearTimeout(killTimer);
      const seconds = Math.round((performance.now() - t0) / 10) / 100;
      done(result ?? { instance: n, seconds, limitSeconds: limit, status: 'failed', detail: why || `child exited with ${signal ?? `code ${code}`}` });
    });
  });
}

/** `13-20:300,21-24:600` back from the map. */
function compactLimits(limits: ReadonlyMap<number, number>): string {
  const parts: string[] = [];
  const sorted = [...limits].sort((a, b) => a[0] - b[0]);
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]![0] === sorted[j]![0] + 1 && sorted[j + 1]![1] === sorted[i]![1]) j++;
    parts.push(`${sorted[i]![0]}${j > i ? `-${sorted[j]![0]}` : ''}:${sorted[i]![1]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function limitOf(o: Options, n: number): number {
  return o.timeLimits.get(n) ?? o.timeLimit;
}

const pad = (s: string, w: number, right = false): string => (right ? s.padEnd(w) : s.padStart(w));

export function formatTable(results: readonly InstanceResult[]): string {
  const head = ['instance', 'objective', 'best known', 'gap %', 'limit s', 'seconds', 'hard violations', 'core status'];
  const left = (i: number) => i === 0 || i === 7;
  const rows = results.map((r) => {
    const best = BEST_KNOWN[r.instance]!;
    const gap = r.objective === undefined ? '–' : ((100 * (r.objective - best)) / best).toFixed(2);
    return [`Instance${r.instance}`, r.objective === undefined ? '–' : String(r.objective), String(best), gap, r.limitSeconds === undefined ? '–' : String(r.limitSeconds), r.seconds.toFixed(1), r.hardViolations === undefined ? '–' : String(r.hardViolations), r.status];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => pad(c, widths[i]!, left(i))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (left(i) ? ':' : '') + '-'.repeat(w + 1) + (left(i) ? '' : ':')).join('|')}|`, ...rows.map(line)].join('\n');
}

export function machineLine(): string {
  const c = cpus();
  return `machine: ${c[0]?.model ?? 'unknown CPU'}, ${c.length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.child !== undefined) {
    try {
      const r = await runChild(o, o.child);
      process.send?.(r);
    } catch (e) {
      process.send?.({ instance: o.child, seconds: 0, status: 'error', detail: e instanceof Error ? e.stack ?? e.message : String(e) });
    }
    // HiGHS workers are already terminated; exit at once rather than wait on stray handles.
    process.disconnect?.();
    process.exit(0);
  }
  o.out = resolve(o.out);
  o.data = resolve(o.data);
  await mkdir(o.out, { recursive: true });
  console.log(`Curtois–Qu via core solve(): backend ${o.backend}, time limit ${o.timeLimit} s${o.timeLimits.size ? ` (${compactLimits(o.timeLimits)})` : ''}, out ${o.out}`);
  console.log(machineLine());
  const results: InstanceResult[] = [];
  for (const n of o.instances) {
    const r = await runInChild(o, n);
    results.push(r);
    const extra = [
      r.candidates !== undefined ? `${r.candidates} candidates, ${r.columns} cols × ${r.rows} rows, build ${r.buildSeconds?.toFixed(1)} s, rss ${r.rssMb} MB` : '',
      r.detail ?? '',
    ].filter(Boolean).join('; ');
    console.log(`Instance${n}: objective ${r.objective ?? '–'} (best ${BEST_KNOWN[n]}), ${r.seconds.toFixed(1)} s, hard violations ${r.hardViolations ?? '–'}, ${r.status}${extra ? ` — ${extra}` : ''}`);
  }
  const table = formatTable(results);
  console.log('\n' + table);
  if (o.markdown) {
    const notes = results.map((r) => `- Instance${r.instance}: ${r.status}${r.candidates !== undefined ? `; ${r.candidates} candidate shifts, model ${r.columns} columns × ${r.rows} rows, built in ${r.buildSeconds?.toFixed(1)} s, child RSS ${r.rssMb} MB` : ''}; ${r.detail ?? ''}`.trim());
    const md = `# Curtois & Qu instances through the core\n\n${machineLine()}\n\nCommand: \`pnpm bench:cq -- --instances ${o.instances.join(',')} --time-limit ${o.timeLimit}${o.timeLimits.size ? ` --time-limits ${compactLimits(o.timeLimits)}` : ''} --backend ${o.backend}${o.strategy ? ` --strategy ${o.strategy}` : ''}${o.heuristicShare !== undefined ? ` --heuristic-share ${o.heuristicShare}` : ''}\`\n\n${table}\n\nObjective and hard violations come from evaluateCq (independent of the core).\n\n${notes.join('\n')}\n`;
    await writeFile(o.markdown, md, 'utf8');
  }
}

// Run only as a program, not when imported (by tests).
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
