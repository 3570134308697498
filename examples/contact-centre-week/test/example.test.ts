/**
 * The example as `pnpm example` runs it (built dist, a short limit): it prints the week grid, each shift's
 * segments, the unplaced activities, coverage and costs; every printed shift has the breaks and lunch its
 * length asks for, in order and tiling it; scenario.json is what buildScenario() writes.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buildScenario } from '../src/scenario.js';

const main = new URL('../dist/main.js', import.meta.url).pathname;
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const SHIFT = /^(agent-\d\d)\s+(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d\d:\d\d)–(\d\d:\d\d)  (.+)$/;

t.test('scenario.json is the scenario the program builds', async (t) => {
  const json = JSON.parse(readFileSync(new URL('../scenario.json', import.meta.url), 'utf8'));
  t.same(json, JSON.parse(JSON.stringify(buildScenario())));
});

t.test('the program prints every shift with its segments, breaks and lunch by length', async (t) => {
  const out = execFileSync(process.execPath, [main, '--time-limit', '4'], { encoding: 'utf8', maxBuffer: 1 << 24 });
  t.match(out, /Inside the shifts \(site time\)/);
  t.match(out, /hour \(site time\)\s+voice: need\/have\s+chat: need\/have/, 'coverage per hour, by skill id');
  t.match(out, /cost:\s+\d/, 'the summary with the cost');
  t.ok(/Every activity session was placed\.|^unplaced (soft|hard) /m.test(out), 'the unplaced activities, or that there are none');
  const shifts = out.split('\n').map((l) => SHIFT.exec(l)).filter((m) => m !== null);
  t.ok(shifts.length >= 80, `${shifts.length} shifts printed`);
  let coached = 0;
  for (const [line, agent, day, from, to, body] of shifts) {
    const length = minutes(to!) - minutes(from!);
    const segments = body!.split(' · ').map((g) => /^(work \w+|break|lunch|reset|coaching \S+|meeting \S+) (\d\d:\d\d)–(\d\d:\d\d)$/.exec(g));
    t.ok(segments.every((g) => g !== null), `${agent} ${day}: every segment reads kind [id] from–to`);
    const spans = segments.map((g) => ({ kind: g![1]!, start: minutes(g![2]!), end: minutes(g![3]!) }));
    const tiles = spans[0]!.start === minutes(from!) && spans.at(-1)!.end === minutes(to!) && spans.every((g, i) => g.end > g.start && (i === 0 || g.start === spans[i - 1]!.end));
    if (!tiles) t.fail(`segments do not tile the shift: ${line}`);
    const breaks = spans.filter((g) => g.kind === 'break' && g.end - g.start === 15).length;
    const lunches = spans.filter((g) => g.kind === 'lunch' && g.end - g.start === 30).length;
    const wanted = { breaks: (length >= 240 ? 1 : 0) + (length >= 420 ? 1 : 0), lunches: length >= 360 ? 1 : 0 };
    if (breaks !== wanted.breaks || lunches !== wanted.lunches) t.fail(`${agent} ${day} (${length} min): ${breaks} breaks and ${lunches} lunches, wanted ${JSON.stringify(wanted)}`);
    if (spans.some((g) => g.kind.startsWith('coaching'))) coached++;
  }
  t.ok(shifts.some(([, , , from, to]) => minutes(to!) - minutes(from!) >= 420), 'some shift is long enough for two breaks and a lunch');
  t.ok(coached > 0, 'coaching sessions are printed');
});
