/**
 * The `flexroster` command: solve, validate and evaluate scenario files. Exit codes: 0 done, 1 the
 * input is invalid or a roster breaks hard rules, 2 usage error.
 */
import { readFile, writeFile, rename } from 'node:fs/promises';
import { evaluate, FlexrosterInputError, solve, validateScenario, type SolveResult } from '@flexroster/core';
import { backendByName } from './backends.js';
import { summarize } from './summary.js';

const USAGE = `usage:
  flexroster solve <scenario.json> [--time-limit <seconds>] [--backend highs|javascript-lp-solver] [--out <result.json>]
  flexroster validate <scenario.json>
  flexroster evaluate <scenario.json> <result-or-roster.json>`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** A status line that is overwritten as it changes (progress). */
  status?(line: string): void;
}

const consoleIo: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  status: (l) => (process.stderr.isTTY ? process.stderr.write(`\r\x1b[K${l}`) : undefined),
};

function parseArgs(argv: string[]): { positional: string[]; flags: Map<string, string> } {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue; // `pnpm flexroster -- …` passes the separator through
    if (a.startsWith('--')) {
      const [k, v] = a.includes('=') ? [a.slice(2, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a.slice(2), argv[++i]];
      if (v === undefined) throw new UsageError(`--${k} needs a value`);
      flags.set(k, v);
    } else positional.push(a);
  }
  return { positional, flags };
}

class UsageError extends Error {}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path} is not JSON: ${(e as Error).message}`);
  }
}

function printIssues(io: CliIo, what: string, e: FlexrosterInputError): void {
  io.err(`${what}:`);
  for (const i of e.issues) io.err(`  ${i.path || '/'}: ${i.message}`);
}

export async function runCli(argv: string[], io: CliIo = consoleIo): Promise<number> {
  try {
    const { positional, flags } = parseArgs(argv);
    const [command, ...files] = positional;
    if (command === 'validate' && files.length === 1) {
      const report = validateScenario(await readJson(files[0]!));
      for (const e of report.errors) io.err(`error   ${e.path || '/'}: ${e.message}`);
      for (const w of report.warnings) io.out(`warning ${w.code} ${w.path}: ${w.message}`);
      io.out(report.valid ? `valid (${report.warnings.length} warnings)` : `invalid: ${report.errors.length} errors`);
      return report.valid ? 0 : 1;
    }
    if (command === 'solve' && files.length === 1) {
      const scenario = await readJson(files[0]!);
      const limitText = flags.get('time-limit') ?? '30';
      const timeLimitSeconds = Number(limitText);
      if (!(timeLimitSeconds > 0)) throw new UsageError(`--time-limit must be a positive number of seconds, got ${limitText}`);
      const backend = backendByName(flags.get('backend') ?? 'highs');
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint); // Ctrl-C stops the search and keeps the best roster so far
      let result: SolveResult;
      try {
        result = await solve(scenario, {
          timeLimitSeconds,
          backend,
          signal: controller.signal,
          onProgress: (p) =>
            io.status?.(`${p.phase} ${p.elapsedSeconds.toFixed(1)} s  best ${p.bestCost?.toFixed(1) ?? '–'}  bound ${p.lowerBound?.toFixed(1) ?? '–'}  gap ${p.gap !== undefined ? (p.gap * 100).toFixed(2) + ' %' : '–'}`),
        });
      } finally {
        process.off('SIGINT', onSigint);
        io.status?.('');
      }
      io.out(summarize(result));
      for (const w of result.warnings) io.out(`warning ${w.code} ${w.path}: ${w.message}`);
      const out = flags.get('out');
      if (out) {
        // Write then rename: an interrupted write never leaves half a result behind.
        await writeFile(`${out}.tmp`, JSON.stringify(result, null, 2));
        await rename(`${out}.tmp`, out);
        io.out(`result written to ${out}`);
      }
      return 0;
    }
    if (command === 'evaluate' && files.length === 2) {
      const scenario = await readJson(files[0]!);
      const doc = (await readJson(files[1]!)) as { roster?: unknown };
      const roster = doc && typeof doc === 'object' && 'roster' in doc ? doc.roster : doc;
      const ev = evaluate(scenario, roster);
      io.out(`cost: ${Math.round(ev.costs.total * 100) / 100}`);
      for (const [rule, cost] of Object.entries(ev.costs.byRule)) if (cost !== 0) io.out(`  ${rule}: ${Math.round(cost * 100) / 100}`);
      io.out(`understaffed: ${ev.understaffedAgentHours} agent-hours; overstaffed: ${ev.overstaffedAgentHours} agent-hours`);
      for (const v of ev.violations) io.out(`violation ${v.rule} ${v.agentId ?? ''} ${v.date ?? ''}: ${v.message}`);
      io.out(ev.violations.length === 0 ? 'every hard rule holds' : `${ev.violations.length} hard rules broken`);
      return ev.violations.length === 0 ? 0 : 1;
    }
    throw new UsageError(command ? `unknown command or wrong arguments: ${command}` : 'no command given');
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(e.message);
      io.err(USAGE);
      return 2;
    }
    if (e instanceof FlexrosterInputError) {
      printIssues(io, e.name === 'ScenarioValidationError' ? 'invalid scenario' : 'invalid roster', e);
      return 1;
    }
    if (e instanceof Error && /unknown backend/.test(e.message)) {
      io.err(e.message);
      return 2;
    }
    throw e;
  }
}
