import t from 'tap';
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
});

t.test('usage errors exit 2 with the usage text', async (t) => {
  for (const argv of [[], ['solve'], ['frobnicate', 'x'], ['solve', exampleScenario, '--time-limit', '-3'], ['solve', exampleScenario, '--backend', 'cplex'], ['validate', '/nonexistent.json']]) {
    const a = io();
    t.equal(await runCli(argv, a.io), 2, argv.join(' '));
    t.ok(a.err.length > 0);
  }
});
