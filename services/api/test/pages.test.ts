/**
 * The planner page (/app) and the agent page (/me) in Debian's chromium (playwright-core), against a
 * service on 127.0.0.1 with a published schedule: no console error (CSP violations included) and no
 * failed request; the swap flow across three browser tabs; a re-solve saved as the schedule's next
 * version (and refused when the schedule changed meanwhile); an agent's page shows nothing of another
 * agent; the phone viewport has no horizontal scroll; screenshots to artifacts/screenshots/.
 */
import t, { type Test } from 'tap';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { rosterChanges, type Roster, type Scenario } from '@flexroster/core';
import { buildReportData } from '@flexroster/report';
import { smallRoster, smallScenario } from './fixtures.js';
import { call, openWorld, testBackend, type World } from './world.js';

const ADMIN = 'root-admin-key-for-page-tests';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const shots = join(repo, 'artifacts/screenshots');
/** The small scenario over a week; its template has a 15-minute break and a 30-minute unpaid lunch. */
function weekScenario(): Scenario {
  const s = smallScenario();
  const breaks = [
    { kind: 'break' as const, minutes: 15, earliestAfterStartMinutes: 60, latestAfterStartMinutes: 180, paid: true },
    { kind: 'lunch' as const, minutes: 30, earliestAfterStartMinutes: 180, latestAfterStartMinutes: 300, paid: false },
  ];
  return { ...s, horizon: { ...s.horizon, days: 7 }, shiftTemplates: [{ ...s.shiftTemplates[0]!, breaks, minGapMinutes: 30 }] };
}
/** smallRoster with a3's Tuesday shift (14:00–22:00) carrying its break and lunch; the other shifts carry none. */
function pageRoster(): Roster {
  const r = smallRoster();
  const seg = (from: string, to: string, kind: 'work' | 'break' | 'lunch') => ({ start: `2026-03-24T${from}`, end: `2026-03-24T${to}`, kind });
  r.assignments[3] = { ...r.assignments[3]!, segments: [seg('14:00', '16:00', 'work'), seg('16:00', '16:15', 'break'), seg('16:15', '18:00', 'work'), seg('18:00', '18:30', 'lunch'), seg('18:30', '22:00', 'work')] };
  return r;
}
/** The drawn pieces of shifts on a page: kind, times and title. */
const segmentsOn = (page: Page, selector: string) =>
  page.$$eval(selector, (gs) => gs.map((g) => `${g.getAttribute('data-kind')} ${g.getAttribute('data-start')}–${g.getAttribute('data-end')}: ${g.querySelector('title')?.textContent ?? g.getAttribute('title')}`));

/** A tab that records every console error, page error, failed request and 4xx/5xx answer. */
async function tab(context: BrowserContext, problems: string[], viewport?: { width: number; height: number }): Promise<Page> {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`answer ${r.status()}: ${r.url()}`));
  return page;
}

async function signIn(page: Page, url: string, key: string) {
  await page.goto(url, { waitUntil: 'load' });
  await page.fill('#key', key);
  await page.click('#signin button[type=submit]');
}

const weekOf = (page: Page) => page.$$eval('#my-shifts li.shift', (ls) => ls.map((l) => l.getAttribute('data-start')));
const ganttBars = (page: Page) => page.$$eval('svg.gantt rect.bar', (rs) => rs.map((r) => `${r.getAttribute('data-agent')} ${r.getAttribute('data-assignment')}`));

t.test('the pages in chromium', async (t: Test) => {
  if (!existsSync(CHROMIUM)) return t.fail(`chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does this)`);
  const w: World = await openWorld(t, await testBackend('flexroster-pages-'), ADMIN);
  const created = await call(w.app, 'POST', '/v1/schedules', w.keys.planner, { name: 'week 13', scenario: weekScenario(), roster: pageRoster() });
  t.equal(created.status, 201);
  const id = created.body.id as string;
  t.equal((await call(w.app, 'POST', `/v1/schedules/${id}/publish`, w.keys.planner)).status, 200);
  // The report data, made on a compute worker, is the report package's for the stored schedule.
  const report = await call(w.app, 'GET', `/v1/schedules/${id}/report`, w.keys.planner);
  t.equal(report.status, 200);
  t.same(report.body, JSON.parse(JSON.stringify(buildReportData(weekScenario(), { roster: pageRoster() }, { title: 'week 13' }))), 'the report package’s data for the stored schedule');
  const base = await w.app.listen({ host: '127.0.0.1', port: 0 });

  const dir = mkdtempSync(join(tmpdir(), 'flexroster-pages-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } });
  t.teardown(() => context.close());
  mkdirSync(shots, { recursive: true });
  const problems: string[] = [];
  const phone = { width: 390, height: 844 };

  t.test('the pages are served with a strict CSP, and /docs still works', async (t) => {
    for (const path of ['/app', '/me']) {
      const res = await fetch(base + path);
      t.equal(res.status, 200, path);
      const csp = res.headers.get('content-security-policy') ?? '';
      t.match(csp, /script-src 'self'(;|$)/, `${path}: scripts from this origin only`);
      t.match(csp, /style-src 'self'(;|$)/, `${path}: no inline style`);
      t.notMatch(csp, /unsafe-inline|unsafe-eval/, `${path}: nothing inline`);
      t.notMatch(await res.text(), /<script>|<style>| style=| on[a-z]+=/, `${path}: no inline script, style or handler in the HTML`);
    }
    const docsProblems: string[] = [];
    const docs = await tab(context, docsProblems);
    await docs.goto(`${base}/docs`, { waitUntil: 'networkidle' });
    await docs.waitForSelector('.swagger-ui .info', { timeout: 15_000 });
    // Swagger UI's own policy (staticCSP, unchanged here) blocks one inline style of the UI: a console
    // message it has had since /docs got that policy, harmless to the page. Anything else counts.
    t.same(docsProblems.filter((p) => !/Applying inline style violates .*style-src 'self' https:/s.test(p)), [], 'the Swagger UI loads without errors');
    await docs.close();
  });

  const a1 = await tab(context, problems, phone);
  const a3 = await tab(context, problems, phone);
  const planner = await tab(context, problems);

  t.test('agent A offers a shift to B on /me, B accepts on /me, the planner approves on /app', async (t) => {
    await signIn(a1, `${base}/me`, w.keys.a1);
    await a1.waitForSelector('#my-shifts li.shift');
    t.same(await weekOf(a1), ['2026-03-23T08:00', '2026-03-25T08:00'], "a1's week");
    t.match(await a1.textContent('#balance-hours'), /^0 h$/, 'the leave balance in hours');
    await signIn(a3, `${base}/me`, w.keys.a3);
    await a3.waitForSelector('#my-shifts li.shift');
    t.same(await weekOf(a3), ['2026-03-24T14:00', '2026-03-25T14:00'], "a3's week");
    // Inside a3's Tuesday shift: its break and lunch drawn in the shift's bar and written out, in local time.
    t.same(await segmentsOn(a3, '#my-shifts li.shift[data-start="2026-03-24T14:00"] .shiftbar .seg'), ['break 16:00–16:15: break 16:00–16:15', 'lunch 18:00–18:30: lunch 18:00–18:30']);
    t.equal(await a3.textContent('#my-shifts li.shift[data-start="2026-03-24T14:00"] .segments'), 'break 16:00–16:15 · lunch 18:00–18:30');
    const lunch = await a3.$eval('li.shift[data-start="2026-03-24T14:00"] .seg[data-kind="lunch"]', (g) => ({ left: (g as HTMLElement).style.left, width: (g as HTMLElement).style.width, bg: getComputedStyle(g).backgroundImage }));
    t.same([lunch.left, lunch.width], ['50%', '6.25%'], 'placed at 4 h of 8, half an hour wide');
    t.match(lunch.bg, /repeating-linear-gradient/, 'hatched (the CSP lets the page place it)');
    t.equal(await a3.$$eval('li.shift[data-start="2026-03-25T14:00"] .seg', (gs) => gs.length), 0, 'a shift without segments: a plain bar');
    t.same(await a3.$$eval('#segment-legend span', (ls) => ls.map((l) => l.getAttribute('data-kind'))), ['break', 'lunch'], 'a legend of what the week holds');
    await (await a3.$('#week'))!.screenshot({ path: join(shots, 'agent-breaks.png') });
    await signIn(planner, `${base}/app`, w.keys.planner);
    await planner.waitForSelector('svg.gantt rect.bar');
    t.same(await segmentsOn(planner, 'svg.gantt rect.seg[data-assignment="3"]'), [
      'break 2026-03-24 16:00–2026-03-24 16:15: a3 break 2026-03-24 16:00 – 2026-03-24 16:15',
      'lunch 2026-03-24 18:00–2026-03-24 18:30: a3 lunch 2026-03-24 18:00 – 2026-03-24 18:30',
    ], "the planner's Gantt draws a3's break and lunch inside the shift");
    t.same(await planner.$$eval('#gantt .legend .seg-legend', (ls) => ls.map((l) => l.getAttribute('data-kind'))), ['break', 'lunch'], 'with a legend');
    t.equal((await ganttBars(planner)).length, pageRoster().assignments.length, 'one Gantt bar per assignment');
    t.equal((await ganttBars(planner)).filter((b) => b.startsWith('a1 ')).length, 2);
    t.ok(await planner.$('svg.coverage[data-skill="voice"] rect.sched'), 'the coverage chart is drawn');

    // A offers the Monday shift to a3.
    await a1.selectOption('#give-shift', '0');
    await a1.click('#give-candidates');
    await a1.waitForSelector('#candidate-list li');
    const proposed = await a1.$$eval('#candidate-list li.candidate', (ls) => ls.map((l) => l.getAttribute('data-agent')));
    const expected = (await call(w.app, 'POST', '/v1/swaps/candidates', w.keys.planner, { scenario: weekScenario(), roster: pageRoster(), agentId: 'a1', shift: { start: '2026-03-23T08:00', end: '2026-03-23T16:00' } })).body;
    t.same(proposed, expected.filter((c: { kind: string }) => c.kind === 'give-away').map((c: { agentId: string }) => c.agentId), 'the candidates proposed are the service’s give-away candidates');
    t.ok(proposed.includes('a3'), 'a3 could take it');
    await a1.click('#candidate-list li.candidate[data-agent="a3"] button');
    t.equal(await a1.inputValue('#give-to'), 'a3', 'choosing a candidate fills the colleague');
    await a1.click('#give button[type=submit]');
    await a1.waitForSelector('li.request[data-kind="swap"][data-status="awaiting-counterpart"]');
    // B sees it (reload: a new session of the page) and accepts.
    await a3.reload();
    await a3.waitForSelector('li.request[data-kind="swap"] button.accept');
    await a3.click('li.request[data-kind="swap"] button.accept');
    await a3.waitForSelector('li.request[data-kind="swap"][data-status="awaiting-approval"]');
    t.pass('a3 accepted; the swap awaits a planner');
    // The planner sees it pending with its rule check, and approves.
    await planner.reload();
    await planner.waitForSelector('#pending-list li.request[data-kind="swap"]');
    t.match(await planner.textContent('#pending-list li.request'), /give-away: a1 → a3.*rule check: allowed.*coverage impact: understaffed [+-]?\d/s);
    await planner.click('#pending-list li.request[data-kind="swap"] button.approve');
    await planner.waitForSelector('#schedule-title:has-text("version 3")');
    t.same((await ganttBars(planner)).filter((b) => b.startsWith('a1 ')).length, 1, "the Gantt: one shift left in a1's row");
    t.same((await ganttBars(planner)).filter((b) => b.startsWith('a3 ')).length, 3, "the Gantt: three shifts in a3's row");
    t.match(await planner.textContent('#pending-list'), /Nothing awaits approval/);
    await a1.reload();
    await a1.waitForSelector('#my-shifts li.shift');
    t.same(await weekOf(a1), ['2026-03-25T08:00'], "a1's week lost the Monday shift");
    t.match(await a1.textContent('li.request[data-kind="swap"]'), /approved/);
    await a3.reload();
    await a3.waitForSelector('#my-shifts li.shift');
    t.same(await weekOf(a3), ['2026-03-23T08:00', '2026-03-24T14:00', '2026-03-25T14:00'], "a3's week gained it");
    await a1.screenshot({ path: join(shots, 'agent.png'), fullPage: true });
    t.same(problems, [], 'no console error, page error, failed request or error answer on either page');
  });

  t.test('a leave of a few hours asked on /me shows on /app as pending, with its hours', async (t) => {
    await a1.fill('#leave-start', '2026-03-25T09:00');
    await a1.fill('#leave-end', '2026-03-25T11:00');
    await a1.click('#leave button[type=submit]');
    await a1.waitForSelector('li.request[data-kind="leave"][data-status="pending"]');
    t.match(await a1.textContent('li.request[data-kind="leave"] .reason'), /covers 2 h of your shifts/);
    await planner.reload();
    await planner.waitForSelector('#pending-list li.request[data-kind="leave"]');
    t.match(await planner.textContent('#pending-list li.request[data-kind="leave"]'), /leave: a1 2026-03-25 09:00 – 2026-03-25 11:00 \(2 h of shifts\)/);
    // An extension of the shift a1 kept, by an hour at its end: listed with its status and its rule check.
    await a1.selectOption('#extend-shift', '0');
    await a1.fill('#extend-minutes', '60');
    await a1.click('#extend button[type=submit]');
    await a1.waitForSelector('li.request[data-kind="extension"]');
    t.match(await a1.textContent('li.request[data-kind="extension"]'), /extension of 2026-03-25 08:00 by 60 min.*rule check: /s);
    // The calendar feed link: a token made on the page, and the feed it names is a1's.
    await a1.click('#feed-create');
    const href = await (await a1.waitForSelector('#feed-url a')).getAttribute('href');
    t.match(href, /^webcal:\/\/127\.0\.0\.1:\d+\/v1\/schedules\/[^/]+\/agents\/a1\/calendar\.ics\?token=/);
    const feed = await fetch(href!.replace(/^webcal:/, 'http:'));
    t.equal(feed.status, 200);
    t.match(await feed.text(), /BEGIN:VCALENDAR[\s\S]*DTSTART/, 'the feed answers a calendar with a1’s shift');
    t.same(problems, [], 'no error');
  });

  t.test('the versioned roster routes: If-Match required, the roster checked, versions on record', async (t) => {
    const now = (await call(w.app, 'GET', `/v1/schedules/${id}`, w.keys.planner)).body;
    const put = (roster: unknown, headers: Record<string, string> = {}) => call(w.app, 'PUT', `/v1/schedules/${id}/roster`, w.keys.planner, { roster }, headers);
    t.equal((await put(now.roster)).status, 428, 'no If-Match: 428');
    const stranger = await put({ assignments: [{ ...now.roster.assignments[0], agentId: 'nobody' }] }, { 'if-match': `"${now.version}"` });
    t.equal(stranger.status, 422, 'a roster with an agent the scenario lacks: 422');
    t.match(stranger.body.errors, [{ path: /^\/body\/roster\/assignments\/0/ }], 'naming the assignment');
    t.equal((await call(w.app, 'PUT', `/v1/schedules/${id}/roster`, w.keys.a1, { roster: now.roster }, { 'if-match': `"${now.version}"` })).status, 403, 'agents may not');
    t.equal((await call(w.app, 'GET', `/v1/schedules/${id}`, w.keys.planner)).body.version, now.version, 'nothing written');
    t.equal((await call(w.app, 'GET', `/v1/schedules/${id}/changes?from=${now.version + 1}`, w.keys.planner)).status, 404, 'a version not on record: 404');
    t.equal((await call(w.app, 'GET', `/v1/schedules/${id}/changes?from=0`, w.keys.planner)).status, 400);
    // Version 1 is the stored roster, the current one has the approved give-away: the listed change is that move of a shift to a3.
    const sinceFirst = await call(w.app, 'GET', `/v1/schedules/${id}/changes?from=1`, w.keys.planner);
    t.equal(sinceFirst.status, 200);
    t.same(sinceFirst.body.changes, rosterChanges(now.scenario, pageRoster(), now.roster), 'the core’s rosterChanges between version 1 and now');
    t.match(sinceFirst.body.changes, [{ agentId: 'a1', before: { start: '2026-03-23T08:00' }, after: null }, { agentId: 'a3', before: null, after: { start: '2026-03-23T08:00' } }]);
  });

  t.test('a re-solve on /app runs as a job with live progress, shows its changes, and is saved as the next version', async (t) => {
    const get = async () => (await call(w.app, 'GET', `/v1/schedules/${id}`, w.keys.planner)).body;
    /** Re-solves on the page and answers the job's result (read through the page's origin with the planner's key: a job is its key's only). */
    const resolve = async () => {
      await planner.fill('#resolve-seconds', '2');
      const started = planner.waitForResponse((r) => r.url().endsWith('/v1/solve-jobs') && r.request().method() === 'POST');
      await planner.click('#resolve-start');
      const job = (await (await started).json()) as { id: string };
      await planner.waitForSelector('#resolve-progress li.progress[data-event="done"]', { timeout: 60_000 });
      await planner.waitForSelector('#changes-table');
      return planner.evaluate(async (jid) => (await (await fetch(`/v1/solve-jobs/${jid}`, { headers: { authorization: `Bearer ${sessionStorage.getItem('flexroster.key')}` } })).json()).result, job.id);
    };
    const before = await get();
    const result = await resolve();
    // The same shift written with and without its offset is the same shift.
    const key = (a: { agentId: string; start: string; end: string; skill: string }) => `${a.agentId} ${a.start.slice(0, 16)} ${a.end.slice(0, 16)} ${a.skill}`;
    t.ok(result.roster.assignments.some((a: { start: string }) => a.start.length > 16), "the job's roster writes offsets (the stored one does not): the comparison must not see that as a change");
    const was = new Set<string>(before.roster.assignments.map(key)), now = new Set<string>(result.roster.assignments.map(key));
    const diff = [...was].filter((k) => !now.has(k)).length + [...now].filter((k) => !was.has(k)).length;
    t.equal(await planner.$$eval('#changes-table tbody tr', (rs) => rs.length), diff, `the changes table lists the ${diff} changed shifts`);
    await planner.screenshot({ path: join(shots, 'planner.png'), fullPage: true });

    // Another planner changes the schedule meanwhile: saving the re-solve (made from the older version) fails, visibly, and writes nothing.
    const concurrent = await call(w.app, 'PUT', `/v1/schedules/${id}/roster`, w.keys.planner, { roster: before.roster }, { 'if-match': `"${before.version}"` });
    t.equal(concurrent.status, 200);
    t.equal(concurrent.body.version, before.version + 1, 'the concurrent write is the next version');
    const refused = planner.waitForResponse((r) => r.url().endsWith(`/v1/schedules/${id}/roster`));
    await planner.click('#resolve-save');
    t.equal((await refused).status(), 409);
    await planner.waitForSelector('#save-error');
    t.match(await planner.textContent('#save-error'), new RegExp(`^Not saved \\(409\\): Schedule ${id} changed since version ${before.version}; reload it and try again`), 'the planner reads why');
    await planner.waitForSelector(`#schedule-title:has-text("version ${before.version + 1}")`);
    t.equal((await get()).version, before.version + 1, 'the page wrote nothing');
    // The expected 409 (its answer, and the browser's console line for it, which names no URL) is the only error so far.
    const expected = (p: string) => (p.startsWith('answer 409: ') && p.endsWith(`/v1/schedules/${id}/roster`)) || p === 'console: Failed to load resource: the server responded with a status of 409 (Conflict)';
    t.equal(problems.filter(expected).length, 2, 'the 409 was seen, once');
    const unexpected = problems.filter((p) => !expected(p));
    problems.length = 0;
    problems.push(...unexpected);

    // Re-solved from the current version, the save goes through: the next version of the same schedule.
    const base = await get();
    const again = await resolve();
    await planner.click('#resolve-save');
    await planner.waitForSelector(`#saved-version:has-text("Saved as version ${base.version + 1}")`);
    const saved = await get();
    t.equal(saved.version, base.version + 1, 'the version increments');
    t.same(saved.roster, again.roster, "the stored roster is the job's");
    t.ok(saved.publishedAt, 'a published schedule stays published');
    t.match(await planner.textContent('#schedule-title'), `version ${saved.version}`);
    t.equal(await planner.$$eval('#schedules li', (ls) => ls.length), 1, 'the list still has one schedule');
    t.equal((await call(w.app, 'GET', '/v1/schedules', w.keys.planner)).body.length, 1);
    t.match(await planner.textContent('#schedules li'), `v${saved.version}`);
    await planner.waitForFunction((n) => document.querySelectorAll('svg.gantt rect.bar').length === n, again.roster.assignments.length);
    t.same((await ganttBars(planner)).length, again.roster.assignments.length, "the Gantt: one bar per assignment of the new roster");
    // The re-solve placed every shift's break and lunch: stored with the roster, drawn in the Gantt.
    const pieces = saved.roster.assignments.flatMap((a: Roster['assignments'][number]) => (a.segments ?? []).filter((g) => g.kind !== 'work'));
    t.equal(pieces.length, 2 * saved.roster.assignments.length, 'a break and a lunch in each solved shift');
    t.equal(await planner.$$eval('svg.gantt rect.seg', (gs) => gs.length), pieces.length, 'each drawn');
    // The new version's changes against the one before, as the core lists them.
    const expectedChanges = rosterChanges(saved.scenario, base.roster, saved.roster);
    const rows = await planner.$$eval('#version-changes tbody tr', (rs) => rs.map((r) => `${r.className} ${r.children[1]!.textContent}`));
    t.same(rows, expectedChanges.map((c) => `${c.before && c.after ? 'moved' : c.after ? 'added' : 'removed'} ${c.agentId}`), `the ${expectedChanges.length} changes from version ${base.version} to ${saved.version}`);
    const listed = await call(w.app, 'GET', `/v1/schedules/${id}/changes?from=${base.version}`, w.keys.planner);
    t.same(listed.body, { scheduleId: id, from: base.version, to: saved.version, changes: JSON.parse(JSON.stringify(expectedChanges)) });
    // Agents see the new version at once: /v1/me names it, and a1's page shows its shifts.
    const mine = (await call(w.app, 'GET', '/v1/me', w.keys.a1)).body;
    t.match(mine.schedules, [{ id, version: saved.version }], "a1's /v1/me lists the one schedule at its new version");
    t.equal(mine.schedules.length, 1);
    const own = (await call(w.app, 'GET', `/v1/schedules/${id}/agents/a1`, w.keys.a1)).body;
    t.equal(own.version, saved.version);
    await a1.reload();
    await a1.waitForSelector('#my-shifts');
    t.same(await weekOf(a1), own.shifts.map((x: { start: string }) => x.start), "a1's week is the new version's");
    t.same(problems, [], 'no other error');
  });

  t.test('the phone viewport has no horizontal scroll on /me', async (t) => {
    const width = await a1.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    t.equal(width.client, 390);
    t.ok(width.scroll <= width.client, `scrollWidth ${width.scroll} ≤ ${width.client}`);
  });

  t.test("an agent's page asked for another agent shows nothing of theirs", async (t) => {
    const seen: string[] = [];
    const spy = await tab(context, [], phone);
    spy.on('response', (r) => seen.push(`${r.status()} ${new URL(r.url()).pathname}`));
    await signIn(spy, `${base}/me?agent=a2#a2`, w.keys.a1);
    await spy.waitForSelector('#my-shifts li.shift');
    const shown = (await call(w.app, 'GET', '/v1/me', w.keys.a1)).body.schedules[0].id as string;
    const own = (await call(w.app, 'GET', `/v1/schedules/${shown}/agents/a1`, w.keys.a1)).body.shifts.map((x: { start: string }) => x.start);
    t.same(await weekOf(spy), own, 'the page shows the key’s own agent’s shifts only');
    t.notMatch(await spy.textContent('body'), /\ba2\b/, 'nothing of a2 on the page');
    t.notOk(seen.some((s) => /\/a2(\/|$)/.test(s)), 'the page asked for nothing of a2');
    // Even asked directly from the page's origin with the page's key, the routes refuse.
    const direct = await spy.evaluate(async (sid) => {
      const key = sessionStorage.getItem('flexroster.key')!;
      const get = async (p: string) => (await fetch(p, { headers: { authorization: `Bearer ${key}` } })).status;
      return [await get(`/v1/schedules/${sid}/agents/a2`), await get('/v1/agents/a2/leave-balance'), await get(`/v1/schedules/${sid}`), await get(`/v1/schedules/${sid}/report`)];
    }, id);
    t.same(direct, [403, 403, 403, 403], "a1's key reads neither a2's shifts, a2's balance, the whole schedule nor its report");
    const candidates = `/v1/schedules/${id}/agents/a2/swap-candidates?start=2026-03-24T10:00&end=2026-03-24T18:00`;
    t.equal((await call(w.app, 'GET', candidates, w.keys.a1)).status, 403, "a1 cannot ask who could take a2's shift");
    // A span no template makes: a1 holds no such shift whatever the solve gave it.
    t.notOk(own.some((x: string) => x.startsWith('2026-03-24T03:00')), 'a1 has no shift starting at 03:00');
    const notHeld = await call(w.app, 'GET', `/v1/schedules/${id}/agents/a1/swap-candidates?start=2026-03-24T03:00&end=2026-03-24T05:00`, w.keys.a1);
    t.equal(notHeld.status, 422, 'a shift a1 does not hold is 422');
    t.match(notHeld.body.errors, [{ path: /^\/querystring\/shift/ }], 'naming the query field');
    t.equal(await spy.evaluate(() => localStorage.length), 0, 'nothing in localStorage');
    t.notMatch(spy.url(), new RegExp(w.keys.a1), 'the key is not in the URL');
    await spy.close();
  });
});
