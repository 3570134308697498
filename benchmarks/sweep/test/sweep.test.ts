import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fromZonedTime, getTimezoneOffset } from 'date-fns-tz';
import { addDays, format } from 'date-fns';
import { validateScenario, type Scenario } from '@flexroster/core';
import {
  AGENT_BANDS,
  AGENTS_MAX,
  AGENTS_MIN,
  agentBand,
  designShapes,
  gapRead,
  generateShape,
  LEVELS,
  LIMIT_BASE_SECONDS,
  LIMIT_SECONDS_PER_AGENT_DAY,
  parseArgs,
  timeLimitSeconds,
  UsageError,
  writeMarkdown,
  ZONES_WITHOUT_DST,
  type Factor,
  type SweepRun,
} from '../src/index.js';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const N = 24;
const SEED = 1;
const sweep = Array.from({ length: N }, (_, i) => generateShape(N, SEED, i + 1));

/** Whether the zone's UTC offset differs between the horizon's first and last-plus-one local midnight (date-fns-tz). */
function offsetChanges(s: Scenario): boolean {
  const zone = s.horizon.timeZone;
  const first = fromZonedTime(`${s.horizon.startDate}T00:00:00`, zone);
  const end = fromZonedTime(`${format(addDays(new Date(`${s.horizon.startDate}T12:00:00Z`), s.horizon.days), 'yyyy-MM-dd')}T00:00:00`, zone);
  return getTimezoneOffset(zone, first) !== getTimezoneOffset(zone, end);
}

t.test('the generator is seeded: same seed and index, byte-identical scenario; another seed, other shapes', async (t) => {
  t.same(designShapes(N, SEED), designShapes(N, SEED));
  for (let i = 1; i <= N; i++) t.equal(JSON.stringify(generateShape(N, SEED, i).scenario), JSON.stringify(sweep[i - 1]!.scenario), `shape ${i}`);
  const other = designShapes(N, 2);
  t.notSame(other, designShapes(N, SEED));
  t.not(JSON.stringify(generateShape(N, 2, 1).scenario), JSON.stringify(sweep[0]!.scenario));
  t.throws(() => generateShape(N, SEED, N + 1), /shape 25 does not exist/);
});

t.test('every scenario of --shapes 24 --seed 1 validates, without warnings, and matches its shape', async (t) => {
  for (const { shape, scenario } of sweep) {
    const report = validateScenario(scenario);
    t.same(report.errors, [], `shape ${shape.index} has no errors`);
    t.same(report.warnings, [], `shape ${shape.index} has no warnings`);
    t.equal(scenario.agents.length, shape.agents);
    t.equal(scenario.horizon.days, shape.days);
    t.equal(scenario.horizon.intervalMinutes, shape.intervalMinutes);
    t.equal(scenario.skills.length, shape.skills);
    t.equal(scenario.horizon.timeZone, shape.timeZone);
    // Every skill has holders and demand; the demand kind is the shape's.
    for (const skill of scenario.skills) {
      t.ok(scenario.agents.some((a) => a.skills.includes(skill)), `shape ${shape.index}: someone has ${skill}`);
      t.ok(scenario.demand!.some((d) => d.skill === skill && (shape.demand === 'required' ? d.required : d.forecast)), `shape ${shape.index}: ${skill} has ${shape.demand} demand`);
    }
    const remote = scenario.agents.filter((a) => a.timeZone !== undefined).length;
    t.equal(remote > 0, shape.remote, `shape ${shape.index}: remote agents iff the shape says so`);
    t.equal(scenario.agents.some((a) => a.microShifts), shape.micro, `shape ${shape.index}: micro-shift opt-ins iff the shape says so`);
    t.equal(scenario.shiftTemplates.some((x) => x.micro), shape.micro);
    if (shape.profile === '24-7') t.ok(scenario.shiftTemplates.some((x) => x.earliestStart >= '20:00'), `shape ${shape.index}: a night template`);
    const onLeave = scenario.agents.filter((a) => a.leave?.length).length / shape.agents;
    t.ok(onLeave <= 0.4 && (shape.leaveShare === 0 ? onLeave === 0 : true), `shape ${shape.index}: ${onLeave} of agents on leave`);
    // Hard personal rules never take a whole day.
    const hardKinds = new Set(scenario.agents.flatMap((a) => (a.rules ?? []).filter((r) => r.hard).map((r) => r.kind)));
    for (const k of ['preferred-day-off', 'max-working-days', 'shift-request']) t.notOk(hardKinds.has(k as never), `shape ${shape.index}: no hard ${k}`);
  }
});

t.test('24 shapes touch every level of every factor and every agent band', async (t) => {
  const shapes = sweep.map((x) => x.shape);
  for (const f of Object.keys(LEVELS) as Factor[]) t.same(new Set(shapes.map((s) => s[f])), new Set(LEVELS[f]), `factor ${f}`);
  t.same(new Set(shapes.map((s) => agentBand(s.agents))), new Set(AGENT_BANDS.map((b) => b.name)));
  t.ok(shapes.every((s) => s.agents >= AGENTS_MIN && s.agents <= AGENTS_MAX));
  // Log-uniform: most shapes are small or medium, a few large.
  const large = shapes.filter((s) => agentBand(s.agents) === 'large').length;
  t.ok(large >= 3 && large <= 10, `${large} large shapes`);
  // The personal-rule kinds all occur somewhere.
  const kinds = new Set(sweep.flatMap(({ scenario }) => scenario.agents.flatMap((a) => (a.rules ?? []).map((r) => r.kind))));
  t.same(kinds, new Set(['free-window', 'earliest-start', 'latest-end', 'max-late-shifts', 'preferred-day-off', 'max-working-days', 'shift-request']));
  t.same(new Set(sweep.flatMap(({ scenario }) => scenario.contracts.map((c) => c.id))), new Set(['full-time', 'part-time', 'flex-hours', 'annualised']));
});

t.test('the DST factor holds: a change of UTC offset inside the horizon exactly where the shape says (date-fns-tz)', async (t) => {
  let changes = 0;
  for (const { shape, scenario } of sweep) {
    t.equal(offsetChanges(scenario), shape.dstChange, `shape ${shape.index} (${shape.timeZone} from ${scenario.horizon.startDate})`);
    if (shape.dstChange) changes++;
    t.notOk(shape.dstChange && ZONES_WITHOUT_DST.includes(shape.timeZone));
  }
  t.ok(changes >= 1, `${changes} shapes contain a DST change`);
});

t.test('the time-limit policy: base + per agent-day, scaled, about 10–15 minutes for the 24 shapes', async (t) => {
  t.equal(timeLimitSeconds({ agents: 100, days: 7 }), Math.round((LIMIT_BASE_SECONDS + LIMIT_SECONDS_PER_AGENT_DAY * 700) * 10) / 10);
  t.equal(timeLimitSeconds({ agents: 100, days: 7 }, 10), Math.round(10 * (LIMIT_BASE_SECONDS + LIMIT_SECONDS_PER_AGENT_DAY * 700) * 10) / 10);
  t.ok(timeLimitSeconds({ agents: 800, days: 28 }) > timeLimitSeconds({ agents: 800, days: 7 }));
  t.throws(() => timeLimitSeconds({ agents: 10, days: 7 }, 0), RangeError);
  const total = sweep.reduce((s, x) => s + timeLimitSeconds(x.shape), 0);
  t.ok(total >= 600 && total <= 900, `total ${total} s`);
});

t.test('the argument parser: defaults, values, --help, and every bad flag refused by name', async (t) => {
  t.same(parseArgs([]), { shapes: 24, seed: 1, backend: 'highs', timeScale: 1, peerTimeScale: 1, out: 'benchmarks/results', help: false });
  const o = parseArgs(['--', '--shapes', '30', '--seed', '7', '--only', '1,5,7-9', '--time-scale', '2.5', '--peer', 'cbc', '--peer-time-scale', '10', '--out', '/tmp/x', '--backend', 'javascript-lp-solver']);
  t.same(o, { shapes: 30, seed: 7, only: [1, 5, 7, 8, 9], backend: 'javascript-lp-solver', timeScale: 2.5, peer: 'cbc', peerTimeScale: 10, out: '/tmp/x', help: false });
  t.equal(parseArgs(['--help']).help, true);
  t.throws(() => parseArgs(['--shapez', '3']), new UsageError('unknown argument "--shapez" (see --help)'));
  t.throws(() => parseArgs(['--shapes', '0']), /--shapes needs a positive whole number/);
  t.throws(() => parseArgs(['--shapes']), /--shapes needs a value/);
  t.throws(() => parseArgs(['--only', '3', '--shapes', '2']), /no shape 3 in a sweep of 2 shapes/);
  t.throws(() => parseArgs(['--only', 'a']), /--only: cannot read "a"/);
  t.throws(() => parseArgs(['--peer', 'gurobi']), /--peer is cbc/);
  t.throws(() => parseArgs(['--backend', 'cplex']), /--backend is highs or javascript-lp-solver/);
  t.throws(() => parseArgs(['--time-scale', '-1']), /--time-scale needs a positive number/);

  // The command itself: refused with exit code 2, the reason and the usage on stderr.
  const bad = await run(process.execPath, [MAIN, '--', '--bogus']).then(
    () => t.fail('an unknown flag must fail'),
    (e: { code: number; stderr: string }) => e,
  );
  t.equal(bad?.code, 2);
  t.match(bad?.stderr, /unknown argument "--bogus"/);
  t.match(bad?.stderr, /Usage: pnpm bench:sweep/);
});

t.test('sweep.md gets each run as a new section on top, under one title', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sweep-md-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const fake = (seed: number): SweepRun => ({
    machine: { cpu: 'CPU', cores: 2, memoryGiB: 8, node: 'v20', platform: 'linux', date: `2026-12-0${seed}T00:00:00.000Z`, commit: 'abc' },
    probe: { seconds: 1, buildSeconds: 0.5, lpSeconds: 0.5, lpStatus: 'optimal', lpObjective: 1, columns: 1, rows: 1, description: 'probe' },
    command: 'cmd',
    shapes: 24,
    seed,
    backend: 'highs',
    timeScale: 1,
    peerTimeScale: null,
    policy: 'policy',
    records: [],
  });
  writeMarkdown(dir, fake(1));
  writeMarkdown(dir, fake(2));
  const md = await readFile(join(dir, 'sweep.md'), 'utf8');
  t.equal(md.match(/^# Sweep/gm)?.length, 1);
  t.ok(md.indexOf('seed 2') < md.indexOf('seed 1') && md.indexOf('seed 1') > 0, 'the newer section is on top');
});

t.test('our gap read against the peer: the roster part, the bound part, in points of our cost', async (t) => {
  const rec = (cost: number | null, bound: number | null, hardViolations: number | null = 0) => ({ status: 'feasible', cost, bound, gap: null, hardViolations, wallSeconds: 1, peakRssMiB: 1 });
  t.equal(gapRead(rec(110, 90), rec(100, 95)), 'roster +9.09 · bound −4.55', 'a dearer roster and a weaker bound');
  t.equal(gapRead(rec(100, 95), rec(100, 90)), 'neither', 'the peer neither found a cheaper roster nor proved more');
  t.equal(gapRead(rec(110, 90), rec(100, 95, 3)), 'bound −4.55', "a peer roster that breaks hard rules does not count");
  t.equal(gapRead(rec(110, null), rec(null, 50)), 'bound −45.45', 'no bound of ours: all of the peer’s bound is ours to find');
  t.equal(gapRead(rec(110, 90), undefined), '–');
});

t.test('end to end: the smallest shape with a short limit, json and md written', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sweep-e2e-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const smallest = sweep.reduce((a, b) => (a.shape.agents * a.shape.days <= b.shape.agents * b.shape.days ? a : b)).shape;
  const out = await run(process.execPath, [MAIN, '--shapes', String(N), '--seed', String(SEED), '--only', String(smallest.index), '--time-scale', '0.4', '--out', dir]);
  const json = JSON.parse(await readFile(join(dir, 'sweep.json'), 'utf8')) as SweepRun;
  t.equal(json.records.length, 1);
  const r = json.records[0]!;
  t.equal(r.index, smallest.index);
  t.equal(r.limitSeconds, timeLimitSeconds(smallest, 0.4));
  t.ok(['optimal', 'feasible'].includes(r.ours.status), r.ours.status);
  t.equal(r.ours.hardViolations, 0);
  t.ok(r.ours.cost !== null && r.ours.cost >= 0);
  t.equal(r.ours.cost, r.ours.solverCost, 'our evaluator agrees with the cost solve() reports');
  t.ok(r.ours.peakRssMiB! > 20 && r.ours.wallSeconds > 0);
  t.ok(json.probe.seconds > 0 && json.probe.lpStatus === 'optimal');
  t.match(json.command, `--only ${smallest.index}`);
  const md = await readFile(join(dir, 'sweep.md'), 'utf8');
  t.match(md, /Measured speed: \*\*probe [\d.]+ s\*\*/);
  t.match(md, new RegExp(`\\n\\| ${smallest.index} \\| `));
  t.match(out.stdout, /\| # \| shape \|/);
});
