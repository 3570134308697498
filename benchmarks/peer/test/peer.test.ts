/**
 * The CBC peer. CI has no cbc, so the run on a tiny scenario asserts what the machine allows: with cbc on PATH a
 * proven optimum our evaluator agrees with; without it the clear 'unavailable' result. The missing-binary case is
 * also forced (an empty PATH), so it is checked everywhere.
 */
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { solve, type Scenario } from '@flexroster/core';
import { CBC_MISSING, findOnPath, runCbc } from '../src/index.js';

function tinyScenario(): Scenario {
  const required = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 20 ? 1 : 0));
  return {
    schemaVersion: 1,
    horizon: { startDate: '2026-03-23', days: 3, timeZone: 'Europe/London', intervalMinutes: 60 },
    skills: ['voice'],
    shiftTemplates: [{ id: 'day', earliestStart: '07:00', latestStart: '13:00', startStepMinutes: 60, lengthsMinutes: [360, 480] }],
    contracts: [{ id: 'pt', hoursPerWeek: { min: 6, max: 16 }, maxDaysPerWeek: 2, minRestHours: 11 }],
    agents: ['ana', 'bo'].map((id) => ({ id, skills: ['voice'], contract: 'pt' })),
    demand: [0, 1, 2].map((d) => ({ skill: 'voice', start: `2026-03-2${3 + d}T00:00`, required })),
  };
}

t.test('a missing cbc is an unavailable result, not a crash', async (t) => {
  const path = process.env.PATH;
  process.env.PATH = '';
  try {
    const r = await runCbc(tinyScenario(), { timeLimitSeconds: 5 });
    t.same(r, { peer: 'cbc', available: false, status: 'unavailable', message: CBC_MISSING, threads: 2, timeLimitSeconds: 5, seconds: 0 });
  } finally {
    process.env.PATH = path;
  }
});

t.test('cbc on a tiny scenario: a proven optimum our evaluator agrees with (or unavailable where cbc is not installed)', async (t) => {
  const workDir = mkdtempSync(join(tmpdir(), 'flexroster-peer-'));
  const r = await runCbc(tinyScenario(), { timeLimitSeconds: 20, workDir });
  if (!findOnPath('cbc')) {
    t.equal(r.status, 'unavailable');
    t.equal(r.message, CBC_MISSING);
    return;
  }
  t.equal(r.status, 'optimal', r.message);
  t.match(r.version, /^\d+\.\d+/);
  t.match(r.command, / -threads 2 -timeMode elapsed -sec 20 /);
  t.equal(r.threads, 2);
  t.ok(r.logPath && existsSync(r.logPath) && /CBC/.test(readFileSync(r.logPath, 'utf8')), 'the log is kept');
  t.equal(r.modelPath, join(workDir, 'model.mps'));
  t.equal(r.hardViolations, 0);
  t.ok(Math.abs(r.cost! - r.objective!) < 1e-6, `our evaluator's cost ${r.cost} is CBC's objective ${r.objective}`);
  t.ok(r.bound! <= r.objective! + 1e-6);
  t.ok(r.roster!.assignments.length > 0);
  // A proven optimum is no worse than our own solve of the same model.
  const ours = await solve(tinyScenario(), { timeLimitSeconds: 10 });
  t.ok(r.cost! <= ours.cost + 1e-6, `cbc ${r.cost}, ours ${ours.cost}`);
});
