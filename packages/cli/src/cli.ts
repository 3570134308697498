/**
 * The `flexroster` command: solve, validate, evaluate and export scenario files. Exit codes (`EXIT`, listed in
 * `--help`): 0 done (a solve optimal or feasible), 1 the input is invalid or a roster breaks hard rules, 2 usage
 * error, 3 a solve found no roster keeping every hard rule.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile, writeFile, rename } from 'node:fs/promises';
import { evaluate, EXPORT_FORMATS, exportModel, FlexrosterInputError, solve, validateScenario, type ExportFormat, type SolveProgress, type SolveResult } from '@flexroster/core';
import { renderReport } from '@flexroster/report';
import { backendByName, BACKEND_NAMES } from './backends.js';
import { parseFlags, UsageError } from './flags.js';
import { summarize } from './summary.js';

interface CommandSpec {
  readonly args: string;
  readonly files: number;
  readonly summary: string;
  /** Flag name → what it does (every flag takes a value). */
  readonly flags: Readonly<Record<string, string>>;
}

const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  solve: {
    args: '<scenario.json>',
    files: 1,
    summary: 'solve a scenario and print a summary (Ctrl-C stops early with the best roster so far)',
    flags: { 'time-limit': '<seconds> for the whole solve (default 30)', backend: `${BACKEND_NAMES.join('|')} (default highs)`, out: '<result.json> to write the full result to (with its progress events)' },
  },
  report: {
    args: '<scenario.json> <result-or-roster.json>',
    files: 2,
    summary: 'write one self-contained HTML report: KPIs, coverage per skill, the roster as a Gantt, costs, findings, fairness, solve timeline',
    flags: { out: '<report.html> to write (default report.html)' },
  },
  validate: { args: '<scenario.json>', files: 1, summary: 'check a scenario: errors with their JSON paths, and warnings', flags: {} },
  evaluate: { args: '<scenario.json> <result-or-roster.json>', files: 2, summary: 'costs per rule, coverage and broken hard rules of a roster', flags: {} },
  'export-model': {
    args: '<scenario.json>',
    files: 1,
    summary: 'write the full MIP the direct solve hands its backend, for another solver (CBC, HiGHS, Gurobi…)',
    flags: { format: `${EXPORT_FORMATS.join('|')} (default: from --out's extension, else mps)`, out: '<file> to write (default: standard output)' },
  },
};

function commandUsage(name: string, spec: CommandSpec): string {
  const flags = Object.keys(spec.flags).map((f) => ` [--${f} ${spec.flags[f]!.startsWith('<') ? spec.flags[f]!.split(' ')[0] : '…'}]`);
  return `flexroster ${name} ${spec.args}${flags.join('')}`;
}

/** What the process's exit code says. */
export const EXIT = { done: 0, invalid: 1, usage: 2, infeasible: 3 } as const;

const USAGE = `usage:\n${Object.entries(COMMANDS)
  .map(([name, spec]) => `  ${commandUsage(name, spec)}`)
  .join('\n')}\n  flexroster <command> --help

exit codes:
  ${EXIT.done}  done (solve: optimal or feasible; validate: valid; evaluate: every hard rule holds)
  ${EXIT.invalid}  invalid input, or a roster that breaks hard rules
  ${EXIT.usage}  usage error (unknown command or flag, missing file)
  ${EXIT.infeasible}  solve: no roster keeping every hard rule (the result says why; --out still writes it)`;

function commandHelp(name: string, spec: CommandSpec): string {
  const lines = [`usage: ${commandUsage(name, spec)}`, '', `  ${spec.summary}`];
  for (const [flag, text] of Object.entries(spec.flags)) lines.push(`  --${flag.padEnd(12)} ${text}`);
  return lines.join('\n');
}

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
  // The command is the first word; its flags are the only ones accepted after it.
  const command = argv.find((a) => a !== '--' && !a.startsWith('-'));
  const spec = command !== undefined && Object.hasOwn(COMMANDS, command) ? COMMANDS[command]! : undefined;
  try {
    const { positional, flags, help } = parseFlags(argv, spec ? Object.keys(spec.flags) : []);
    if (help) {
      io.out(spec ? commandHelp(command!, spec) : USAGE);
      return 0;
    }
    const files = positional.slice(1);
    if (spec && files.length !== spec.files) throw new UsageError(`${command} takes ${spec.args}, got ${files.length === 0 ? 'no file' : files.join(' ')}`);
    if (command === 'validate') {
      const report = validateScenario(await readJson(files[0]!));
      for (const e of report.errors) io.err(`error   ${e.path || '/'}: ${e.message}`);
      for (const w of report.warnings) io.out(`warning ${w.code} ${w.path}: ${w.message}`);
      io.out(report.valid ? `valid (${report.warnings.length} warnings)` : `invalid: ${report.errors.length} errors`);
      return report.valid ? 0 : 1;
    }
    if (command === 'solve') {
      const scenario = await readJson(files[0]!);
      const limitText = flags.get('time-limit') ?? '30';
      const timeLimitSeconds = Number(limitText);
      if (!(timeLimitSeconds > 0)) throw new UsageError(`--time-limit must be a positive number of seconds, got ${limitText}`);
      const backend = backendByName(flags.get('backend') ?? 'highs');
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint); // Ctrl-C stops the search and keeps the best roster so far
      let result: SolveResult;
      const progress: SolveProgress[] = [];
      try {
        result = await solve(scenario, {
          timeLimitSeconds,
          backend,
          signal: controller.signal,
          onProgress: (p) => {
            if (progress.at(-1)?.bestCost !== p.bestCost || progress.at(-1)?.lowerBound !== p.lowerBound || p.phase === 'done') progress.push(p);
            io.status?.(`${p.phase} ${p.elapsedSeconds.toFixed(1)} s  best ${p.bestCost?.toFixed(1) ?? '–'}  bound ${p.lowerBound?.toFixed(1) ?? '–'}  gap ${p.gap !== undefined ? (p.gap * 100).toFixed(2) + ' %' : '–'}`);
          },
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
        await writeFile(`${out}.tmp`, JSON.stringify({ ...result, progress }, null, 2));
        await rename(`${out}.tmp`, out);
        io.out(`result written to ${out}`);
        io.out(`report:       flexroster report ${files[0]} ${out} --out report.html`);
      } else io.out(`report:       write the result with --out <result.json>, then: flexroster report ${files[0]} <result.json> --out report.html`);
      return result.status === 'infeasible' ? EXIT.infeasible : EXIT.done;
    }
    if (command === 'report') return await reportCommand(io, files[0]!, files[1]!, flags.get('out') ?? 'report.html');
    if (command === 'export-model') return await exportCommand(io, files[0]!, flags);
    if (command === 'evaluate') {
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
    throw new UsageError(command ? `unknown command ${command}` : 'no command given');
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(e.message);
      io.err(spec ? `usage: ${commandUsage(command!, spec)}  (--help for more)` : USAGE);
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

/** `report`: the HTML report of a result (or a bare roster), written then renamed. */
async function reportCommand(io: CliIo, scenarioFile: string, resultFile: string, out: string): Promise<number> {
  const html = renderReport(await readJson(scenarioFile), await readJson(resultFile));
  await writeFile(`${out}.tmp`, html);
  await rename(`${out}.tmp`, out);
  io.out(`report written to ${out} (${Buffer.byteLength(html)} bytes)`);
  return 0;
}

/** `export-model`: the scenario's full MIP as MPS or LP text, to a file (written then renamed) or standard output. */
async function exportCommand(io: CliIo, file: string, flags: Map<string, string>): Promise<number> {
  const out = flags.get('out');
  const fromExtension = out && /\.(mps|lp)$/i.exec(out)?.[1]?.toLowerCase();
  const format = flags.get('format') ?? fromExtension ?? 'mps';
  if (!EXPORT_FORMATS.includes(format as ExportFormat)) throw new UsageError(`--format must be ${EXPORT_FORMATS.join(' or ')}, got ${format}`);
  const exported = exportModel(await readJson(file), { format: format as ExportFormat });
  const s = exported.stats;
  const what = `${format.toUpperCase()} model: ${s.columns} columns (${s.integerColumns} integer), ${s.rows} rows, ${s.nonzeros} nonzeros`;
  if (!out) {
    io.out(exported.text.replace(/\n$/, ''));
    io.err(what);
    return 0;
  }
  // Piece by piece: a large model's text does not fit one string. Written then renamed, never half a file.
  const fd = openSync(`${out}.tmp`, 'w');
  let bytes = 0;
  try {
    exported.write((piece) => (bytes += writeSync(fd, piece)));
  } finally {
    closeSync(fd);
  }
  await rename(`${out}.tmp`, out);
  io.out(`${what} written to ${out} (${bytes} bytes)`);
  return 0;
}
