/**
 * CBC as a benchmark peer: our full MIP exported as MPS, solved by the `cbc` binary on PATH with the same time
 * limit and thread count, its solution decoded into a roster and judged by our own evaluator. A roster that
 * breaks a hard rule is reported as such (`hardViolations`), never repaired. A missing binary is a result
 * (`unavailable`), not an exception.
 */
import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, createWriteStream, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { cbcSolutionStatus, evaluate, exportModel, type ModelExport, type Roster, type Scenario } from '@flexroster/core';

export interface PeerOptions {
  readonly timeLimitSeconds: number;
  /** Default 2. */
  readonly threads?: number;
  /** Where the model, CBC's log and its solution go (default: a new directory under the system's temp dir). */
  readonly workDir?: string;
  readonly signal?: AbortSignal;
}

export type PeerStatus = 'optimal' | 'feasible' | 'infeasible' | 'no-solution' | 'error' | 'unavailable';

export interface PeerResult {
  readonly peer: 'cbc';
  readonly available: boolean;
  readonly message?: string;
  readonly version?: string;
  readonly command?: string;
  readonly threads: number;
  readonly timeLimitSeconds: number;
  /** Wall-clock seconds of the CBC run (the export is `exportSeconds`). */
  readonly seconds: number;
  readonly exportSeconds?: number;
  readonly status: PeerStatus;
  /** CBC's objective, including the model's objective offset. */
  readonly objective?: number;
  /** CBC's best bound, when it prints one (a proven optimum is its own bound). */
  readonly bound?: number;
  /** Our evaluator's cost of the decoded roster. */
  readonly cost?: number;
  readonly hardViolations?: number;
  readonly roster?: Roster;
  readonly logPath?: string;
  readonly modelPath?: string;
}

export const CBC_MISSING = 'cbc not found on PATH: install it with apt-get install -y coinor-cbc';
/** Time CBC may overrun its own limit (it checks it between phases) before it is stopped. */
const GRACE_SECONDS = 10;

/** The full path of an executable on PATH, or undefined. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export async function runCbc(scenario: Scenario, options: PeerOptions): Promise<PeerResult> {
  const threads = options.threads ?? 2;
  const timeLimitSeconds = options.timeLimitSeconds;
  const base = { peer: 'cbc' as const, threads, timeLimitSeconds };
  const binary = findOnPath('cbc');
  if (!binary) return { ...base, available: false, status: 'unavailable', message: CBC_MISSING, seconds: 0 };
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'flexroster-cbc-'));
  mkdirSync(workDir, { recursive: true });
  const t0 = performance.now();
  const modelPath = join(workDir, 'model.mps');
  let exported: ModelExport;
  try {
    exported = exportModel(scenario, { format: 'mps' });
    const fd = openSync(modelPath, 'w');
    try {
      exported.write((piece) => writeSync(fd, piece));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    // An invalid scenario, or a model too large to build or write: a result saying so, not a crash.
    return { ...base, available: true, status: 'error', message: `export failed: ${(e as Error).message}`, seconds: 0 };
  }
  const exportSeconds = (performance.now() - t0) / 1000;
  const logPath = join(workDir, 'cbc.log');
  const solutionPath = join(workDir, 'solution.txt');
  // CBC counts CPU seconds unless told otherwise; ours is a wall-clock limit, so is the peer's.
  const args = [modelPath, '-threads', String(threads), '-timeMode', 'elapsed', '-sec', String(timeLimitSeconds), '-ratioGap', '0.0001', '-solve', '-solu', solutionPath];
  const command = [binary, ...args].join(' ');
  const ran = { ...base, available: true, command, modelPath, logPath, exportSeconds };
  rmSync(solutionPath, { force: true }); // a work dir used before must not pass off an old solution as this run's
  const t1 = performance.now();
  const run = await runProcess(binary, args, logPath, (timeLimitSeconds + GRACE_SECONDS) * 1000, options.signal);
  const seconds = (performance.now() - t1) / 1000;
  const log = readFileSync(logPath, 'utf8');
  const version = /Version:\s*(\S+)/.exec(log)?.[1];
  const withRun = { ...ran, seconds, ...(version ? { version } : {}) };
  if (!existsSync(solutionPath)) return { ...withRun, status: 'error', message: run.error ?? `cbc wrote no solution file (exit ${run.code ?? run.signal}); see ${logPath}` };
  // A cancelled or overrunning CBC still writes its best solution on SIGINT: judge it, and say why it ended.
  return judge(scenario, exported, readFileSync(solutionPath, 'utf8'), log, withRun, run.error);
}

/** The result of a finished CBC run from its solution file and log: statuses, objective, bound, and our evaluator's verdict. */
function judge(scenario: Scenario, exported: ModelExport, solution: string, log: string, withRun: Omit<PeerResult, 'status'>, runError: string | undefined): PeerResult {
  const head = cbcSolutionStatus(solution);
  const message = runError ? `${head.text} (${runError})` : head.text;
  const bound = logBound(log, head.status === 'optimal' ? head.objective : undefined);
  const known = { ...withRun, ...(head.objective !== undefined ? { objective: head.objective } : {}), ...(bound !== undefined ? { bound } : {}) };
  if (head.status === 'infeasible') return { ...known, status: 'infeasible', message };
  if (head.status === 'unbounded' || head.status === 'other') return { ...known, status: 'error', message };
  const values = exported.readCbcSolution(solution);
  // Without an integer solution CBC leaves the relaxation's values in the file: no roster to judge.
  if (head.status === 'no-solution' || /No feasible solution found/i.test(log) || !integral(exported.model.variables, values)) {
    const { objective: _relaxation, ...withoutObjective } = known;
    return { ...withoutObjective, status: 'no-solution', message };
  }
  const roster = exported.toRoster(values);
  const ev = evaluate(scenario, roster);
  return { ...known, status: head.status === 'optimal' ? 'optimal' : 'feasible', message, cost: ev.costs.total, hardViolations: ev.violations.length, roster };
}

function integral(variables: readonly { readonly integer: boolean }[], values: Float64Array): boolean {
  for (let j = 0; j < variables.length; j++) if (variables[j]!.integer && Math.abs(values[j]! - Math.round(values[j]!)) > 1e-6) return false;
  return true;
}

/** CBC's best bound: the `Lower bound:` of its result summary, else the optimum it proved. */
function logBound(log: string, optimum: number | undefined): number | undefined {
  const m = /^Lower bound:\s+(\S+)/m.exec(log);
  const value = m ? Number(m[1]) : optimum;
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/**
 * Runs the binary with stdout and stderr into `logPath`. An abort sends SIGINT (CBC stops and writes its best
 * solution); past `killAfterMs`, or 5 s after an unheeded SIGINT, SIGKILL.
 */
function runProcess(binary: string, args: string[], logPath: string, killAfterMs: number, signal?: AbortSignal): Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string }> {
  return new Promise((resolve) => {
    const log = createWriteStream(logPath);
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    let error: string | undefined;
    const timers: NodeJS.Timeout[] = [];
    const stop = (why: string) => {
      error ??= why;
      child.kill('SIGINT');
      timers.push(setTimeout(() => child.kill('SIGKILL'), 5000));
    };
    timers.push(setTimeout(() => stop(`cbc ran past its limit by ${GRACE_SECONDS} s and was stopped`), killAfterMs));
    const onAbort = () => stop('cancelled');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    let done = false;
    const finish = (code: number | null, sig: NodeJS.Signals | null) => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      signal?.removeEventListener('abort', onAbort);
      log.end(() => resolve({ code, signal: sig, ...(error ? { error } : {}) }));
    };
    child.on('error', (e) => {
      error ??= `cbc could not be run: ${e.message}`;
      finish(null, null);
    });
    child.on('close', finish);
  });
}
