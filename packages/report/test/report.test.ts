import t, { type Test } from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, jslpBackend, serviceLevel, solve, type Scenario, type SolveProgress } from '@flexroster/core';
import { buildReportData, renderReport, renderReportData, type ReportData } from '@flexroster/report';
import { chromium } from 'playwright-core';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const example = JSON.parse(readFileSync(join(repo, 'examples/contact-centre-week/scenario.json'), 'utf8')) as Scenario;
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The example solved briefly (the heuristic's roster when the LP backend cannot finish), with its progress. */
async function solvedExample() {
  const progress: SolveProgress[] = [];
  const result = await solve(example, { timeLimitSeconds: 3, backend: jslpBackend(), onProgress: (p) => progress.push(p) });
  return { ...result, progress };
}

/**
 * Every coverage row of the evaluator equals the report's per-skill arrays at its interval. The report's null
 * means "no demand defined here": the evaluator lists such an interval only when someone works it, with
 * required 0 and neither under- nor overstaffing. Returns how many rows had no demand.
 */
function coverageMatches(t: Test, data: ReportData, rows: ReturnType<typeof evaluate>['coverage']): number {
  let checked = 0;
  let undefinedDemand = 0;
  for (const r of rows) {
    const c = data.coverage.find((x) => x.skill === r.skill)!;
    const ti = intervalOf(data, r.start);
    const required = c.required[ti];
    const agrees = c.scheduled[ti] === r.scheduled && (required === null ? r.required === 0 && r.under === 0 && r.over === 0 : required === r.required);
    if (!agrees) {
      t.fail(`coverage of ${r.skill} at ${r.start}: report ${c.scheduled[ti]}/${required}, evaluator ${r.scheduled}/${r.required}`);
      return undefinedDemand;
    }
    if (required === null) undefinedDemand++;
    checked++;
  }
  t.equal(checked, rows.length, `all ${rows.length} coverage rows agree`);
  return undefinedDemand;
}

/** A hand-made week: two agents, one skill, a forecast on Monday 09:00, wishes and leave. */
function handMade(): { scenario: Scenario; roster: { assignments: { agentId: string; start: string; end: string; skill: string; template?: string }[] } } {
  const scenario: Scenario = {
    schemaVersion: 1,
    name: 'hand-made',
    horizon: { startDate: '2026-03-02', days: 7, timeZone: 'Europe/London', intervalMinutes: 60 },
    skills: ['voice'],
    shiftTemplates: [
      { id: 'day', earliestStart: '09:00', latestStart: '09:00', lengthsMinutes: [480] },
      { id: 'late', earliestStart: '14:00', latestStart: '14:00', lengthsMinutes: [480] },
      { id: 'night', earliestStart: '22:00', latestStart: '22:00', lengthsMinutes: [480] },
    ],
    contracts: [{ id: 'full', hoursPerWeek: { max: 40 } }],
    agents: [
      { id: 'a', skills: ['voice'], contract: 'full', leave: [{ start: '2026-03-04T09:00', end: '2026-03-04T17:00', type: 'annual' }] },
      {
        id: 'b',
        skills: ['voice'],
        contract: 'full',
        rules: [
          { kind: 'preferred-day-off', weekday: 'mon' },
          { kind: 'shift-request', date: '2026-03-03', want: 'on' },
          { kind: 'preferred-day-off', weekday: 'fri', hard: true },
        ],
      },
    ],
    demand: [{ skill: 'voice', start: '2026-03-02T09:00', forecast: { contacts: [10], ahtSeconds: 180, serviceLevel: { target: 0.8, answerSeconds: 20 }, shrinkage: 0.5 } }],
  };
  const shift = (agentId: string, date: string, template: string, from: string, to: string) => ({ agentId, start: `${date}T${from}`, end: to, skill: 'voice', template });
  const roster = {
    assignments: [
      shift('a', '2026-03-02', 'day', '09:00', '2026-03-02T17:00'),
      shift('a', '2026-03-03', 'late', '14:00', '2026-03-03T22:00'),
      shift('a', '2026-03-07', 'day', '09:00', '2026-03-07T17:00'),
      shift('a', '2026-03-08', 'night', '22:00', '2026-03-09T06:00'),
      shift('b', '2026-03-02', 'day', '09:00', '2026-03-02T17:00'),
      shift('b', '2026-03-03', 'day', '09:00', '2026-03-03T17:00'),
    ],
  };
  return { scenario, roster };
}

t.test('renderReport data: KPIs and costs are the evaluator’s, one Gantt item per assignment, coverage agrees', async (t) => {
  const result = await solvedExample();
  const ev = evaluate(example, result.roster);
  const data = buildReportData(example, result);
  t.equal(data.kpis.cost, ev.costs.total);
  t.equal(data.kpis.understaffedAgentHours, ev.understaffedAgentHours);
  t.equal(data.kpis.overstaffedAgentHours, ev.overstaffedAgentHours);
  t.equal(data.kpis.hardViolations, ev.violations.length);
  t.same(Object.fromEntries(data.costs.byRule.map((r) => [r.rule, r.cost])), Object.fromEntries(Object.entries(ev.costs.byRule).filter(([, c]) => c !== 0)));
  t.same(Object.fromEntries(data.costs.byAgent.map((r) => [r.agentId, r.cost])), ev.costs.byAgent);
  t.equal(data.findings.length, ev.violations.length + ev.softFindings.length);
  t.equal('lowerBound' in data.kpis, typeof result.lowerBound === 'number', 'a bound only when the result has one');
  t.equal(data.gantt.items.length, result.roster.assignments.length);
  t.same(data.gantt.items.map((i) => i.assignment), result.roster.assignments.map((_, i) => i));
  t.ok(data.gantt.items.every((i, n) => data.gantt.agents[i.agent]!.id === result.roster.assignments[n]!.agentId && i.end > i.start));
  coverageMatches(t, data, ev.coverage);
  t.equal(data.kpis.serviceLevel.length, 2, 'one service level per skill of the forecasts');
  t.same(data.horizon.clockChanges, [{ at: 6 * 1440 + 60, shift: 60 }], 'London springs forward at 01:00 on Sunday 29 March');
  t.equal(data.horizon.dayStarts[7]! - data.horizon.dayStarts[6]!, 23 * 60, 'that day is 23 hours long');
  t.ok(data.progress && data.progress.length > 0, 'the progress events are kept');
  // The JSON element reads back to the same data, and text cannot close the script early.
  const html = renderReport({ ...example, name: 'a </script><b>' }, result);
  const json = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html)![1]!;
  t.equal(JSON.parse(json).title, 'a </script><b>');
  t.notMatch(html, /(src|href)\s*=\s*["']?(https?:)?\/\/|url\(\s*["']?(https?:)?\/\/|@import|fetch\(/, 'nothing is fetched from the network');
});

t.test('renderReport data: fairness, leave and service level on a hand-made roster', async (t) => {
  const { scenario, roster } = handMade();
  const data = buildReportData(scenario, { roster });
  const [a, b] = data.fairness.agents;
  t.match(a, { agentId: 'a', late: 2, weekend: 2, night: 1, wishes: 0, shiftHours: 32, paidLeaveHours: 8, contractMaxHours: 40 });
  t.match(b, { agentId: 'b', late: 0, weekend: 0, night: 0, wishes: 2, wishesGranted: 1, wishesRefused: 1, shiftHours: 16 });
  t.equal(b!.contractMinHours, undefined, 'no minimum in the contract');
  t.same(data.fairness.spread.late, { min: 0, max: 2, mean: 1, sd: 1 });
  t.same(data.gantt.leave, [{ agent: 0, start: 2 * 1440 + 9 * 60, end: 2 * 1440 + 17 * 60, type: 'annual', paid: true }]);
  t.equal(data.kpis.paidShiftHours, 48);
  // Demand is defined on Monday 09:00 only. Hours worked inside the grid: Mon 09–17, Tue 09–22, Sat 09–17 and
  // Sun 22–24 (the night runs past the horizon) = 31 rows, of which all but Monday 09:00 have no demand.
  t.equal(coverageMatches(t, data, evaluate(scenario, roster).coverage), 30, 'the 30 hours worked outside Monday 09:00 have no demand');
  t.equal(data.kpis.overtimeHours, 0, 'no overtime band, no overtime');
  // With a 36 h maximum and a priced band above it, agent a's 32 h of shifts and 8 h of paid leave are 4 h of overtime.
  const banded = { ...scenario, contracts: [{ id: 'full', hoursPerWeek: { max: 36 }, overtime: { maxHoursPerWeek: 10, costPerHour: 5 } }] };
  const overtime = buildReportData(banded, { roster });
  t.equal(overtime.kpis.overtimeHours, evaluate(banded, roster).overtime?.hours, 'the evaluator’s overtime hours');
  t.equal(overtime.kpis.overtimeHours, 4);
  t.equal(data.kpis.lowerBound, undefined, 'a roster without a result has no bound');
  t.same(buildReportData(scenario, roster), data, 'a bare roster reads as { roster }');
  // Two agents at Monday 09:00, half shrinkage: one on the phones for 0.5 Erlang.
  t.same(data.kpis.serviceLevel, [{ skill: 'voice', target: 0.8, answerSeconds: 20, achieved: serviceLevel(1, 0.5, 180, 20), intervalsBelowTarget: 1, intervals: 1 }]);
  t.ok(serviceLevel(1, 0.5, 180, 20) < 0.8, 'that one interval is below its target');
  t.throws(() => buildReportData(scenario, { roster: { assignments: [{ ...roster.assignments[0]!, agentId: 'zed' }] } }), { name: 'RosterInputError' });
});

t.test('the example’s report in Debian’s chromium: no error, one bar per assignment, coverage as evaluated', async (t) => {
  if (!existsSync(CHROMIUM)) return t.fail(`chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does this)`);
  const result = await solvedExample();
  const ev = evaluate(example, result.roster);
  const dir = mkdtempSync(join(tmpdir(), 'flexroster-report-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'report.html');
  writeFileSync(file, renderReport(example, result));
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } });
  t.teardown(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  t.same(problems, [], 'no console error, page error or failed request');
  t.same(requests, [`file://${file}`], 'the page loads nothing but itself');

  const data = JSON.parse((await page.textContent('#report-data'))!) as ReportData;
  coverageMatches(t, data, ev.coverage);
  const bars = await page.$$eval('svg.gantt rect.bar', (rs) => rs.map((r) => Number(r.getAttribute('data-assignment'))));
  t.same(bars, result.roster.assignments.map((_, i) => i), 'one Gantt bar per assignment');
  // The drawn bars: each scheduled value and height as evaluated, and an under-staffing mark where the evaluator finds one.
  for (const skill of data.skills) {
    const drawn = await page.$eval(`svg.coverage[data-skill="${skill}"]`, (s) => ({
      scale: Number(s.getAttribute('data-scale')),
      bars: [...s.querySelectorAll('rect.sched')].map((r) => [Number(r.getAttribute('data-t')), Number(r.getAttribute('data-v')), Number(r.getAttribute('height'))]),
      under: [...s.querySelectorAll('rect.under')].map((r) => Number(r.getAttribute('data-t'))),
    }));
    const rows = ev.coverage.filter((r) => r.skill === skill);
    const evaluated = new Map(rows.map((r) => [intervalOf(data, r.start), r] as const));
    t.equal(drawn.bars.length, data.horizon.intervalCount, `${skill}: a bar per interval`);
    const wrong = drawn.bars.filter(([ti, v, h]) => {
      const r = evaluated.get(ti!);
      return v !== (r?.scheduled ?? 0) || Math.abs(h! - v! * drawn.scale) > 1e-6;
    });
    t.same(wrong, [], `${skill}: the drawn values and heights are the evaluator's`);
    t.equal(drawn.under.length, rows.filter((r) => r.under > 0).length, `${skill}: under-staffing shaded where the evaluator finds it`);
  }
  const cost = await page.textContent('[data-kpi="cost"] .v');
  t.equal(Number(cost!.replace(/,/g, '')), Math.round(ev.costs.total * 100) / 100, 'the cost shown is the evaluator’s');
  const bound = await page.textContent('[data-kpi="lower bound"] .v');
  t.equal(bound === 'no bound known', typeof result.lowerBound !== 'number', `bound shown: ${bound}`);
  t.ok(await page.$('svg.timeline path.bestCost'), 'the solve timeline draws the incumbent');
  // After the clock change a bar's tooltip shows the site's wall time (London is +01:00 on 29 March).
  const sunday = result.roster.assignments.findIndex((a) => a.start.startsWith('2026-03-29T') && a.start.endsWith('+01:00'));
  t.ok(sunday >= 0, 'the example has a Sunday shift on London time');
  const tip = await page.textContent(`svg.gantt rect.bar[data-assignment="${sunday}"] title`);
  const start = result.roster.assignments[sunday]!.start;
  t.match(tip, `${start.slice(0, 10)} ${start.slice(11, 16)} – `, `tooltip ${tip} for ${start}`);
  t.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 1280, 'no horizontal page scroll at 1280 wide');

  const shots = join(repo, 'artifacts/screenshots');
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'report.png'), fullPage: true });
  t.ok(existsSync(join(shots, 'report.png')), 'screenshot written to artifacts/screenshots/report.png');

  // Zoom to the first day: the charts show that day's intervals only, the Gantt only its shifts.
  await page.selectOption('#zoom', '0');
  const perDay = (data.horizon.dayStarts[1]! - data.horizon.dayStarts[0]!) / data.horizon.intervalMinutes;
  t.equal(await page.$$eval(`svg.coverage[data-skill="${data.skills[0]}"] rect.sched`, (rs) => rs.length), perDay);
  const dayShifts = data.gantt.items.filter((i) => i.start < data.horizon.dayStarts[1]!).length;
  t.equal(await page.$$eval('svg.gantt rect.bar:not([visibility="hidden"])', (rs) => rs.length), dayShifts);
  t.same(problems, [], 'no error after zooming');
});

/** The hand-made week with a break and an unpaid lunch on the day template, and b's Monday shift carrying them. */
function withBreaks() {
  const { scenario, roster } = handMade();
  scenario.shiftTemplates[0] = {
    ...scenario.shiftTemplates[0]!,
    breaks: [
      { kind: 'break', minutes: 15, earliestAfterStartMinutes: 60, latestAfterStartMinutes: 180, paid: true },
      { kind: 'lunch', minutes: 30, earliestAfterStartMinutes: 180, latestAfterStartMinutes: 300, paid: false },
    ],
  };
  const seg = (from: string, to: string, kind: 'work' | 'break' | 'lunch') => ({ start: `2026-03-02T${from}`, end: `2026-03-02T${to}`, kind });
  const monday = roster.assignments.findIndex((a) => a.agentId === 'b' && a.start === '2026-03-02T09:00');
  const segmented = { ...roster.assignments[monday]!, segments: [seg('09:00', '10:30', 'work'), seg('10:30', '10:45', 'break'), seg('10:45', '12:00', 'work'), seg('12:00', '12:30', 'lunch'), seg('12:30', '17:00', 'work')] };
  roster.assignments[monday] = segmented;
  return { scenario, roster, monday };
}

t.test('renderReport data: a shift’s segments in grid minutes; unpaid lunches out of the paid hours', async (t) => {
  const { scenario, roster, monday } = withBreaks();
  const data = buildReportData(scenario, { roster });
  const item = data.gantt.items[monday]!;
  t.same(item.segments, [
    { start: 540, end: 630, kind: 'work' },
    { start: 630, end: 645, kind: 'break' },
    { start: 645, end: 720, kind: 'work' },
    { start: 720, end: 750, kind: 'lunch' },
    { start: 750, end: 1020, kind: 'work' },
  ], 'minutes after the first midnight, as the roster gives them');
  t.ok(data.gantt.items.every((i, n) => n === monday || i.segments === undefined), 'a shift without segments has none');
  // Four day shifts (each with the template's unpaid 30-minute lunch) and two others, 8 h each.
  t.equal(data.kpis.paidShiftHours, 48 - 4 * 0.5, 'the paid hours leave the unpaid lunches out');
});

t.test('the Gantt in chromium draws breaks, lunches and activities inside their shift bar, with a legend', async (t) => {
  if (!existsSync(CHROMIUM)) return t.fail(`chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does this)`);
  const { scenario, roster, monday } = withBreaks();
  const data = buildReportData(scenario, { roster });
  // An activity (the kind a roster may carry beside breaks) in the afternoon, drawn whatever its name.
  const items = data.gantt.items.map((it, n) =>
    n === monday ? { ...it, segments: [...it.segments!.slice(0, 4), { start: 750, end: 900, kind: 'work' }, { start: 900, end: 960, kind: 'activity', activityId: 'coaching' }, { start: 960, end: 1020, kind: 'work' }] } : it,
  );
  const dir = mkdtempSync(join(tmpdir(), 'flexroster-report-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'segments.html');
  writeFileSync(file, renderReportData({ ...data, gantt: { ...data.gantt, items } }));
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } });
  t.teardown(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  const segs = await page.$$eval('svg.gantt rect.seg', (rs) =>
    rs.map((r) => ({ kind: r.getAttribute('data-kind'), at: `${r.getAttribute('data-start')} – ${r.getAttribute('data-end')}`, assignment: r.getAttribute('data-assignment'), title: r.querySelector('title')!.textContent, fill: r.getAttribute('fill'), x: Number(r.getAttribute('x')), w: Number(r.getAttribute('width')) })),
  );
  t.same(segs.map((g) => [g.kind, g.at, g.assignment, g.title]), [
    ['break', '2026-03-02 10:30 – 2026-03-02 10:45', String(monday), 'b break 2026-03-02 10:30 – 2026-03-02 10:45'],
    ['lunch', '2026-03-02 12:00 – 2026-03-02 12:30', String(monday), 'b lunch 2026-03-02 12:00 – 2026-03-02 12:30'],
    ['activity', '2026-03-02 15:00 – 2026-03-02 16:00', String(monday), 'b activity coaching 2026-03-02 15:00 – 2026-03-02 16:00'],
  ], 'one element per break, lunch and activity (work on the shift’s skill is the bar itself), with its times and title');
  t.same(new Set(segs.map((g) => g.fill)).size, 3, 'each kind looks different');
  t.equal(segs.find((g) => g.kind === 'lunch')!.fill, 'url(#lunch-hatch)', 'the lunch is hatched');
  const bar = await page.$eval(`svg.gantt rect.bar[data-assignment="${monday}"]`, (r) => ({ x: Number(r.getAttribute('x')), w: Number(r.getAttribute('width')), fill: r.getAttribute('fill') }));
  t.ok(segs.every((g) => g.x > bar.x && g.x + g.w < bar.x + bar.w && g.w > 0), 'each lies inside its shift bar');
  t.ok(segs.every((g) => g.fill !== bar.fill), 'and is drawn unlike the work around it');
  const legend = await page.$$eval('#gantt .legend .seg-legend', (ls) => ls.map((l) => `${l.getAttribute('data-kind')}: ${l.textContent}`));
  t.same(legend, ['break: break (gap in the bar)', 'lunch: lunch (hatched)', 'activity: activity (coaching, meeting …)'], 'the legend names them');
  const shots = join(repo, 'artifacts/screenshots');
  mkdirSync(shots, { recursive: true });
  await page.selectOption('#zoom', '0');
  await (await page.$('#gantt'))!.screenshot({ path: join(shots, 'report-segments.png') });
  // Zoomed to Tuesday, Monday's pieces are hidden with their bar.
  await page.selectOption('#zoom', '1');
  t.equal(await page.$$eval('svg.gantt rect.seg:not([visibility="hidden"])', (rs) => rs.length), 0);
  t.same(problems, [], 'no error');
});

/** The grid interval of an instant with its offset (the example's week has a clock change: real time counts). */
function intervalOf(data: ReportData, iso: string): number {
  return Math.round((Date.parse(iso) - Date.parse(data.horizon.gridStart)) / (data.horizon.intervalMinutes * 60_000));
}
