import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@flexroster/cli';
import { evaluate, validateScenario } from '@flexroster/core';

const exampleScenario = new URL('../../../examples/contact-centre-week/scenario.json', import.meta.url).pathname;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

t.test('validate: the example scenario is valid; a broken one names its fields', async (t) => {
  const a = io();
  t.equal(await runCli(['validate', exampleScenario], a.io), 0);
  t.match(a.out.at(-1), /^valid/);
  const dir = mkdtempSync(join(tmpdir(), 'flexroster-cli-'));
  const bad = JSON.parse(readFileSync(exampleScenario, 'utf8'));
  bad.horizon.timeZone = 'Moon/Tranquility';
  bad.agents[0].contract = 'missing';
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
  const b = io();
  t.equal(await runCli(['validate', join(dir, 'bad.json')], b.io), 1);
  t.ok(b.err.some((l) => l.includes('/horizon/timeZone')), b.err.join('\n'));
});

t.test('solve writes a result the evaluator agrees with; evaluate reads it back', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flexroster-cli-'));
  const out = join(dir, 'result.json');
  const a = io();
  t.equal(await runCli(['solve', exampleScenario, '--time-limit', '4', '--backend', 'javascript-lp-solver', '--out', out], a.io), 0);
  t.match(a.out.join('\n'), /status: +(optimal|feasible)/);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  const scenario = JSON.parse(readFileSync(exampleScenario, 'utf8'));
  const ev = evaluate(scenario, result.roster);
  t.equal(ev.violations.length, 0);
  t.ok(Math.abs(ev.costs.total - result.cost) < 1e-6);
  t.ok(result.stats.totalSeconds <= 4.2, `${result.stats.totalSeconds} s for a 4 s limit`);
  const b = io();
  t.equal(await runCli(['evaluate', exampleScenario, out], b.io), 0);
  t.match(b.out.at(-1), /every hard rule holds/);
  t.ok(validateScenario(scenario).valid);
  // The result keeps its progress events, and the summary says how to make the report; the report reads it.
  t.ok(Array.isArray(result.progress) && result.progress.length > 0 && result.progress.every((p: { elapsedSeconds: unknown }) => typeof p.elapsedSeconds === 'number'));
  t.match(a.out.join('\n'), `flexroster report ${exampleScenario} ${out} --out report.html`);
  const c = io();
  const html = join(dir, 'week.html');
  t.equal(await runCli(['report', exampleScenario, out, '--out', html], c.io), 0, c.err.join('\n'));
  t.match(c.out.at(-1), /^report written to .*week\.html \(\d+ bytes\)/);
  const data = JSON.parse(/<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(readFileSync(html, 'utf8'))![1]!);
  t.equal(data.kpis.cost, ev.costs.total);
  t.equal(data.gantt.items.length, result.roster.assignments.length);
});

t.test('report: --help names --out; a misspelt flag or a broken roster is refused', async (t) => {
  const a = io();
  t.equal(await runCli(['report', '--help'], a.io), 0);
  t.match(a.out.join('\n'), /--out/);
  const b = io();
  t.equal(await runCli(['report', exampleScenario, exampleScenario, '--outt', 'x.html'], b.io), 2);
  t.match(b.err[0], /unknown flag --outt, did you mean --out\?/);
  const dir = mkdtempSync(join(tmpdir(), 'flexroster-cli-'));
  writeFileSync(join(dir, 'roster.json'), JSON.stringify({ assignments: [{ agentId: 'nobody', start: '2026-03-23T09:00', end: '2026-03-23T17:00', skill: 'voice' }] }));
  const c = io();
  t.equal(await runCli(['report', exampleScenario, join(dir, 'roster.json'), '--out', join(dir, 'r.html')], c.io), 1);
  t.match(c.err.join('\n'), /\/assignments\/0\/agentId: unknown agent nobody/);
});

t.test('usage errors exit 2 with the usage text', async (t) => {
  for (const argv of [[], ['solve'], ['frobnicate', 'x'], ['solve', exampleScenario, '--time-limit', '-3'], ['solve', exampleScenario, '--backend', 'cplex'], ['validate', '/nonexistent.json']]) {
    const a = io();
    t.equal(await runCli(argv, a.io), 2, argv.join(' '));
    t.ok(a.err.length > 0);
  }
});

t.test('export-model writes the full model as MPS (from the extension) or LP (--format)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flexroster-cli-'));
  const a = io();
  t.equal(await runCli(['export-model', exampleScenario, '--out', join(dir, 'week.mps')], a.io), 0, a.err.join('\n'));
  t.match(a.out.at(-1), /^MPS model: \d+ columns \(\d+ integer\), \d+ rows, \d+ nonzeros written to .*week\.mps/);
  const mps = readFileSync(join(dir, 'week.mps'), 'utf8');
  t.match(mps, /^NAME /);
  t.match(mps, /\n {4}x_agent\.01_2026\.03\.23_early_\d{4}_\d+m_voice /, 'shift columns are named by agent, date, template and start');
  t.match(mps, /\nENDATA\n$/);
  const b = io();
  t.equal(await runCli(['export-model', exampleScenario, '--format', 'lp', '--out', join(dir, 'week.txt')], b.io), 0, b.err.join('\n'));
  const lp = readFileSync(join(dir, 'week.txt'), 'utf8');
  t.match(lp, /\nMinimize\n obj: /);
  t.match(lp, /\nEnd\n$/);
  const c = io();
  t.equal(await runCli(['export-model', exampleScenario, '--format', 'xls'], c.io), 2);
  t.match(c.err[0], /--format must be mps or lp, got xls/);
});

t.test('--help prints usage and exits 0; a misspelt or foreign flag is refused, naming the closest one', async (t) => {
  const a = io();
  t.equal(await runCli(['--help'], a.io), 0);
  t.match(a.out.join('\n'), /flexroster export-model <scenario\.json> \[--format …\] \[--out <file>\]/);
  const b = io();
  t.equal(await runCli(['solve', '--help'], b.io), 0);
  t.match(b.out.join('\n'), /--time-limit +<seconds> for the whole solve/);
  t.equal(b.err.length, 0);
  const c = io();
  t.equal(await runCli(['solve', exampleScenario, '--tme-limit', '3'], c.io), 2);
  t.equal(c.err[0], 'unknown flag --tme-limit, did you mean --time-limit?');
  const d = io();
  t.equal(await runCli(['validate', exampleScenario, '--out', 'x.json'], d.io), 2);
  t.equal(d.err[0], 'unknown flag --out (this command takes no flags)');
  const e = io();
  t.equal(await runCli(['export-model', exampleScenario, '--format=lp', '--format', 'mps'], e.io), 2);
  t.match(e.err[0], /--format given twice/);
});

t.test('pnpm bench refuses an unknown flag and has --help', async (t) => {
  const run = new URL('../../../benchmarks/scenarios/dist/run.js', import.meta.url).pathname;
  const refused = spawnSync(process.execPath, [run, '--', '--size', 'M'], { encoding: 'utf8' });
  t.equal(refused.status, 2);
  t.match(refused.stderr, /^unknown flag --size, did you mean --sizes\?/);
  const help = spawnSync(process.execPath, [run, '--help'], { encoding: 'utf8' });
  t.equal(help.status, 0);
  t.match(help.stdout, /--peer cbc +also solve each scenario's exported MIP with CBC/);
});

t.test('pnpm bench --repeat: a table of each seed’s spread, its worst gap and the most hard violations', async (t) => {
  const { spreadTable } = (await import(new URL('../../../benchmarks/scenarios/dist/run.js', import.meta.url).href)) as { spreadTable: (records: unknown[]) => string };
  const rec = (seed: number, cost: number, gap: number | null, hardViolations = 0) => ({ size: 'M', backend: 'highs', strategy: 'auto', timeLimitSeconds: 10, seed, cost, gap, hardViolations });
  const out = spreadTable([rec(1, 3142.5, 0.0008), rec(1, 6613, 0.5252), rec(1, 3142.5, 0.0008), rec(2, 3767.5, 0), rec(2, 3800, null, 3)]);
  t.match(out, /\| M \| highs \| 10 \| 1 \| 3 \| 0\.08 \/ 52\.52 \/ 0\.08 \| 0\.08 \| 52\.52 \| 3142\.5 \| 0 \|/, 'seed 1: each gap, the median, the worst');
  t.match(out, /\| M \| highs \| 10 \| 2 \| 2 \| 0\.00 \/ – \| – \| – \| 3783\.8 \| 3 \|/, 'seed 2: a run without a gap leaves median and worst unknown');
});

t.test('solve exits 3 when no roster keeps every hard rule, still writing the result; --help lists the exit codes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flexroster-cli-'));
  const scenario = JSON.parse(readFileSync(exampleScenario, 'utf8'));
  // Nobody can reach 60 h a week in a week whose contracts allow at most 5 days of at most 10 h.
  for (const c of scenario.contracts) c.hoursPerWeek = { min: 60, max: 60 };
  writeFileSync(join(dir, 'impossible.json'), JSON.stringify(scenario));
  const out = join(dir, 'result.json');
  const a = io();
  t.equal(await runCli(['solve', join(dir, 'impossible.json'), '--time-limit', '3', '--backend', 'javascript-lp-solver', '--out', out], a.io), 3);
  t.match(a.out.join('\n'), /status: +infeasible/);
  t.equal(JSON.parse(readFileSync(out, 'utf8')).status, 'infeasible', 'the result is written all the same');
  const h = io();
  t.equal(await runCli(['--help'], h.io), 0);
  t.match(h.out.join('\n'), /exit codes:[\s\S]*0 +done[\s\S]*1 +invalid[\s\S]*2 +usage[\s\S]*3 +solve: no roster/);
});
