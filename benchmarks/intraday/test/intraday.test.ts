/**
 * The intraday benchmark's pure parts: the fixed-offset rewriting (segments tile every shift, breaks at +2 h,
 * the middle and end − 2 h, the breaks rule finds nothing wrong, across a DST change too), and the Erlang
 * service level of hand-made intervals.
 */
import t from 'tap';
import { evaluate, type Evaluation, type Roster, type Scenario } from '@flexroster/core';
import { BREAK_RULES, fixedOffsetRoster, forecasts, intervalServiceLevel, serviceSummary } from '../src/index.js';

const MIN = 60_000;
const mins = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / MIN;

/** Two days in London around the spring-forward night of 29 March 2026; one template of every length with the bench's breaks. */
function scenario(): Scenario {
  const lengths = [180, 240, 360, 420, 480];
  return {
    schemaVersion: 1,
    horizon: { startDate: '2026-03-28', days: 2, timeZone: 'Europe/London', intervalMinutes: 15 },
    skills: ['voice'],
    shiftTemplates: [{ id: 'day', earliestStart: '00:00', latestStart: '12:00', lengthsMinutes: lengths, breaks: BREAK_RULES, minGapMinutes: 30 }],
    contracts: [{ id: 'ft' }],
    agents: lengths.flatMap((_, i) => [{ id: `x${i}`, skills: ['voice'], contract: 'ft' }]),
    demand: [{ skill: 'voice', start: '2026-03-28T07:00', forecast: { contacts: [30, 0, 4], ahtSeconds: 300, serviceLevel: { target: 0.8, answerSeconds: 20 } } }],
  };
}

t.test('fixed offsets: every shift tiled, breaks at +2 h, lunch at the middle, last break at end − 2 h', async (t) => {
  const s = scenario();
  const assignments: Roster['assignments'] = [
    { agentId: 'x0', start: '2026-03-28T09:00:00Z', end: '2026-03-28T12:00:00Z', skill: 'voice', template: 'day' },
    { agentId: 'x1', start: '2026-03-28T09:00:00Z', end: '2026-03-28T13:00:00Z', skill: 'voice', template: 'day' },
    { agentId: 'x2', start: '2026-03-28T09:00:00Z', end: '2026-03-28T15:00:00Z', skill: 'voice', template: 'day' },
    { agentId: 'x3', start: '2026-03-28T09:00:00Z', end: '2026-03-28T16:00:00Z', skill: 'voice', template: 'day' },
    // 00:00 GMT to 09:00 BST: 8 hours of real time across the change.
    { agentId: 'x4', start: '2026-03-29T00:00:00Z', end: '2026-03-29T08:00:00Z', skill: 'voice', template: 'day',
      segments: [{ start: '2026-03-29T00:00:00Z', end: '2026-03-29T08:00:00Z', kind: 'work', skill: 'voice' }] },
  ];
  const fixed = fixedOffsetRoster(s, { assignments });
  for (const a of fixed.assignments) {
    const g = a.segments!;
    t.equal(Date.parse(g[0]!.start), Date.parse(a.start), `${a.agentId}: first segment at the start`);
    t.equal(Date.parse(g.at(-1)!.end), Date.parse(a.end), `${a.agentId}: last segment at the end`);
    t.ok(g.every((x, i) => Date.parse(x.end) > Date.parse(x.start) && (i === 0 || Date.parse(x.start) === Date.parse(g[i - 1]!.end))), `${a.agentId}: no gap, overlap or empty segment`);
    t.ok(g.every((x) => x.kind !== 'work' || x.skill === 'voice'), 'work on the shift\'s skill');
  }
  const offsets = (i: number) => fixed.assignments[i]!.segments!.filter((x) => x.kind !== 'work').map((x) => `${x.kind}@${mins(fixed.assignments[i]!.start, x.start)}`);
  t.same(offsets(0), [], '3 hours: no break');
  t.same(offsets(1), ['break@120']);
  t.same(offsets(2), ['break@120', 'lunch@180']);
  t.same(offsets(3), ['break@120', 'lunch@210', 'break@300']);
  t.same(offsets(4), ['break@120', 'lunch@240', 'break@360'], '8 real hours across the spring-forward change');
  const e = evaluate(s, fixed);
  t.same(e.violations.filter((v) => v.rule === 'breaks'), [], 'the breaks rule finds every break in its window');
});

t.test('Erlang service level of hand-made intervals', async (t) => {
  // 1 Erlang, 2 agents: Erlang B = 0.2, C = 0.2 / (1 − 0.5 + 0.1) = 1/3; SL = 1 − (1/3)·e^(−(2 − 1)·20/300).
  const f = { traffic: 1, ahtSeconds: 300, answerSeconds: 20, target: 0.8 };
  t.ok(Math.abs(intervalServiceLevel(2, f) - (1 - Math.exp(-1 / 15) / 3)) < 1e-12);
  t.equal(intervalServiceLevel(1, f), 0, 'no more agents than traffic: nothing answered in time');
  const s = scenario();
  const byKey = forecasts(s);
  const seven = Date.parse('2026-03-28T07:00:00Z');
  t.equal(byKey.get(`${seven}|voice`)?.traffic, 10, '30 contacts × 300 s over 900 s');
  t.equal(byKey.get(`${seven + 30 * MIN}|voice`)?.traffic, (4 * 300) / 900);
  const row = (start: number, scheduled: number) => ({ start: new Date(start).toISOString(), skill: 'voice', required: 0, scheduled, under: 0, over: 0 });
  // 14 on the phones at 07:00 (SL well above 80 %), 07:15 has no traffic (skipped), 1 at 07:30 for 1.33 Erlangs (0).
  const e = { coverage: [row(seven, 14), row(seven + 15 * MIN, 0), row(seven + 30 * MIN, 1)] } as unknown as Evaluation;
  const sum = serviceSummary(s, e);
  t.equal(sum.intervals, 2);
  t.equal(sum.belowTargetShare, 0.5);
  t.ok(Math.abs(sum.meanServiceLevel - intervalServiceLevel(14, byKey.get(`${seven}|voice`)!) / 2) < 1e-12);
  t.ok(intervalServiceLevel(14, byKey.get(`${seven}|voice`)!) > 0.8);
});
