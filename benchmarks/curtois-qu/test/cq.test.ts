import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CqParseError,
  CqSolutionError,
  compareStaffId,
  evaluateCq,
  formatSolutionJson,
  instanceDir,
  loadInstance,
  parseInstance,
  parseSolutionJson,
  readSolutionJson,
  writeSolutionJson,
} from '../src/index.js';
import type { CqAssignment, CqEvaluation, CqInstance } from '../src/index.js';

const DATA_DIR = instanceDir();

// ---------------------------------------------------------------------------------------------------------
// Expected sizes of the 24 instances. The files' header comments do not state any size (all 24 carry the
// same generic comments), so these figures were counted from the raw files with awk, independently of the
// parser, and are cross-checked below against a second raw count made in this test.
//   [staff, days, shift types, days off per employee, on-requests, off-requests]
const SIZES: Record<number, [number, number, number, number, number, number]> = {
  1: [8, 14, 1, 1, 21, 5],
  2: [14, 14, 2, 1, 50, 12],
  3: [20, 14, 3, 1, 39, 25],
  4: [10, 28, 2, 2, 52, 19],
  5: [16, 28, 2, 2, 79, 27],
  6: [18, 28, 3, 2, 87, 48],
  7: [20, 28, 3, 2, 104, 64],
  8: [30, 28, 4, 2, 139, 86],
  9: [36, 28, 4, 2, 144, 88],
  10: [40, 28, 5, 2, 210, 74],
  11: [50, 28, 6, 2, 197, 139],
  12: [60, 28, 10, 2, 294, 128],
  13: [120, 28, 18, 2, 589, 252],
  14: [32, 42, 4, 4, 266, 93],
  15: [45, 42, 6, 4, 350, 140],
  16: [20, 56, 3, 6, 177, 103],
  17: [32, 56, 4, 5, 351, 129],
  18: [22, 84, 3, 8, 322, 92],
  19: [40, 84, 5, 8, 587, 247],
  20: [50, 182, 6, 18, 1665, 653],
  21: [100, 182, 8, 18, 3210, 1492],
  22: [50, 364, 10, 36, 3253, 1385],
  23: [100, 364, 16, 36, 6549, 2861],
  24: [150, 364, 32, 36, 9540, 4269],
};
const NUMBERS = Array.from({ length: 24 }, (_, i) => i + 1);

/**
 * Deliberately naive reading of a file: section name -> rows of fields. Used only to compute expectations
 * without going through the parser under test.
 */
function rawSections(text: string): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  let cur = '';
  for (const line of text.split('\r\n')) {
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('SECTION_')) {
      cur = line.slice(8);
      out.set(cur, []);
    } else {
      out.get(cur)!.push(line.split(','));
    }
  }
  return out;
}

const texts = new Map<number, string>();
const instances = new Map<number, CqInstance>();

t.before(async () => {
  for (const n of NUMBERS) {
    texts.set(n, await readFile(join(DATA_DIR, `Instance${n}.txt`), 'latin1'));
    instances.set(n, await loadInstance(join(DATA_DIR, `Instance${n}.txt`)));
  }
});

t.test('the 24 files are the published bytes (SHA-256 as in data/README.md)', async (t) => {
  const source = await readFile(new URL('../data/README.md', import.meta.url), 'utf8');
  for (const n of NUMBERS) {
    const m = new RegExp(`([0-9a-f]{64})  Instance${n}\\.txt`).exec(source);
    t.ok(m, `data/README.md lists a hash for Instance${n}`);
    t.equal(createHash('sha256').update(texts.get(n)!, 'latin1').digest('hex'), m?.[1], `Instance${n} hash`);
    t.ok(texts.get(n)!.endsWith('\r\n') && !/[^\r]\n/.test(texts.get(n)!), `Instance${n} is CRLF throughout`);
  }
});

t.test('all 24 instances parse with the expected sizes', async (t) => {
  for (const n of NUMBERS) {
    const inst = instances.get(n)!;
    const [staff, days, types, , on, off] = SIZES[n]!;
    const raw = rawSections(texts.get(n)!);
    t.equal(inst.name, `Instance${n}`);
    t.same(
      [inst.staff.length, inst.horizon, inst.shifts.length, inst.onRequests.length, inst.offRequests.length],
      [staff, days, types, on, off],
      `Instance${n}: staff, days, shift types, on-requests, off-requests`,
    );
    // Second, raw count: same numbers straight from the text.
    t.same(
      [raw.get('STAFF')!.length, Number(raw.get('HORIZON')![0]![0]), raw.get('SHIFTS')!.length, raw.get('SHIFT_ON_REQUESTS')!.length, raw.get('SHIFT_OFF_REQUESTS')!.length],
      [staff, days, types, on, off],
      `Instance${n}: raw counts agree`,
    );
    t.same([...raw.keys()], ['HORIZON', 'SHIFTS', 'STAFF', 'DAYS_OFF', 'SHIFT_ON_REQUESTS', 'SHIFT_OFF_REQUESTS', 'COVER']);
    t.same(inst.staff.map((s) => s.id), raw.get('STAFF')!.map((r) => r[0]), 'staff ids in file order');
    t.same(inst.shifts.map((s) => s.id), raw.get('SHIFTS')!.map((r) => r[0]), 'shift ids in file order');
  }
});

t.test('checked properties of data/README.md hold for every file', async (t) => {
  for (const n of NUMBERS) {
    const inst = instances.get(n)!;
    const H = inst.horizon;
    const T = inst.shifts.length;
    const raw = rawSections(texts.get(n)!);
    const [, , , daysOffEach] = SIZES[n]!;
    t.ok(H % 7 === 0 && [14, 28, 42, 56, 84, 182, 364].includes(H), `Instance${n}: horizon ${H}`);
    t.equal(inst.cover.length, H * T, `Instance${n}: cover rows = H × shift types`);
    t.equal(raw.get('COVER')!.length, H * T, `Instance${n}: raw cover rows = H × shift types`);
    t.equal(new Set(inst.cover.map((c) => `${c.day},${c.shift}`)).size, H * T, `Instance${n}: no duplicate cover row`);
    t.ok(inst.cover.every((c) => c.weightUnder === 100 && c.weightOver === 1), `Instance${n}: cover weights 100/1`);
    t.ok(inst.shifts.every((s) => [480, 600, 720].includes(s.lengthMinutes)), `Instance${n}: shift lengths`);
    t.ok(inst.staff.every((s) => s.maxShifts.size === T), `Instance${n}: every staff line lists every shift type`);
    t.ok(
      inst.staff.every((s) => s.daysOff.length === daysOffEach),
      `Instance${n}: every employee has ${daysOffEach} day(s) off`,
    );
    const dayOffIds = raw.get('DAYS_OFF')!.map((r) => r[0]);
    t.same([...dayOffIds].sort(), inst.staff.map((s) => s.id).sort(), `Instance${n}: exactly one DAYS_OFF line per employee`);
    t.ok(
      [...inst.onRequests, ...inst.offRequests].every((r) => r.weight >= 1 && r.weight <= 3),
      `Instance${n}: request weights 1–3`,
    );
    const onDay = new Set(inst.onRequests.map((r) => `${r.staff},${r.day}`));
    t.equal(onDay.size, inst.onRequests.length, `Instance${n}: at most one on-request per person per day`);
    t.ok(
      inst.onRequests.every((r) => !inst.staffById.get(r.staff)!.daysOff.includes(r.day)),
      `Instance${n}: no on-request on a day off`,
    );
    const on = new Set(inst.onRequests.map((r) => `${r.staff},${r.day},${r.shift}`));
    t.ok(inst.offRequests.every((r) => !on.has(`${r.staff},${r.day},${r.shift}`)), `Instance${n}: no request both on and off`);
    // The solution writer sorts staff with compareStaffId; it must reproduce the files' own order.
    const ids = inst.staff.map((s) => s.id);
    t.same([...ids].sort(compareStaffId), ids, `Instance${n}: compareStaffId gives the file order`);
  }
  // Specific figures of the published format description.
  const i24 = instances.get(24)!;
  t.equal(i24.staff.reduce((z, s) => z + [...s.maxShifts.values()].filter((v) => v === 0).length, 0), 1631, 'Instance24 has 1,631 zero caps');
  const withZeroWeekends = NUMBERS.filter((n) => instances.get(n)!.staff.some((s) => s.maxWeekends === 0));
  t.same(withZeroWeekends, [23, 24], 'MaxWeekends 0 occurs in Instances 23 and 24 only');
  const withZeroReq = NUMBERS.filter((n) => instances.get(n)!.cover.some((c) => c.requirement === 0));
  t.same(withZeroReq, [15, 24], 'requirement 0 occurs in Instances 15 and 24 only');
  // Instance15 writes two of its zero requirements as "-0"; they must come out as a plain 0.
  const c = instances.get(15)!.cover.filter((r) => r.day === 41 && (r.shift === 'D' || r.shift === 'n2'));
  t.equal(c.length, 2);
  t.ok(c.every((r) => Object.is(r.requirement, 0)), 'Instance15 "-0" requirements parse as +0');
  // A spot check of one staff line of Instance1: A,D=14,4320,3360,5,2,2,1 with day off 0.
  const a = instances.get(1)!.staffById.get('A')!;
  t.same(
    [a.maxShifts.get('D'), a.maxTotalMinutes, a.minTotalMinutes, a.maxConsecutiveShifts, a.minConsecutiveShifts, a.minConsecutiveDaysOff, a.maxWeekends, a.daysOff],
    [14, 4320, 3360, 5, 2, 2, 1, [0]],
  );
  // Instance 2's L may not be followed by E.
  t.same(instances.get(2)!.shiftById.get('L')!.notFollow, ['E']);
});

t.test('empty roster: objective = Σ WeightUnder·Requirement + Σ on-request weights (raw lines)', async (t) => {
  for (const n of NUMBERS) {
    const raw = rawSections(texts.get(n)!);
    const cover = raw.get('COVER')!.reduce((z, r) => z + Number(r[3]) * Number(r[2]), 0);
    const on = raw.get('SHIFT_ON_REQUESTS')!.reduce((z, r) => z + Number(r[3]), 0);
    const ev = evaluateCq(instances.get(n)!, []);
    t.same(ev.breakdown, { onRequests: on, offRequests: 0, coverUnder: cover, coverOver: 0 }, `Instance${n}`);
    t.equal(ev.objective, cover + on, `Instance${n} objective`);
  }
  // Instance1 by hand: cover 5+7+6+4+5+5+5+6+7+4+2+5+6+4 = 71 people → 7,100; on-requests
  // A 2+2, B 5×3, C 5×1, D 2+2, F 2+2, H 5×1 = 37.
  const ev1 = evaluateCq(instances.get(1)!, []);
  t.equal(ev1.objective, 7137);
  // An empty roster breaks only the minimum workload (3,360 minutes) of each of the 8 staff: the single
  // all-off run covers the whole horizon, so rule 7's edge exemption applies.
  t.same(ev1.hardViolations.map((v) => `${v.rule}:${v.staff}`), 'ABCDEFGH'.split('').map((s) => `workload:${s}`));
});

// ---------------------------------------------------------------------------------------------------------
// Malformed input. Base text, with its line numbers:
const BASE = [
  '# tiny instance', //  1
  'SECTION_HORIZON', //  2
  '7', //  3
  '', //  4
  'SECTION_SHIFTS', //  5
  '# id,len,notfollow', //  6
  'E,480,', //  7
  'L,600,E', //  8
  '', //  9
  'SECTION_STAFF', // 10
  'A,E=7|L=7,5000,0,7,1,1,1', // 11
  'B,E=7|L=7,5000,0,7,1,1,1', // 12
  '', // 13
  'SECTION_DAYS_OFF', // 14
  'A,6', // 15
  'B,0,1', // 16
  '', // 17
  'SECTION_SHIFT_ON_REQUESTS', // 18
  'A,0,E,2', // 19
  '', // 20
  'SECTION_SHIFT_OFF_REQUESTS', // 21
  'B,2,L,1', // 22
  '', // 23
  'SECTION_COVER', // 24
  ...Array.from({ length: 7 }, (_, d) => [`${d},E,1,100,1`, `${d},L,1,100,1`]).flat(), // 25 … 38
];
/** Base text with some 1-based lines replaced; replacing keeps every other line number where it was. */
function edit(changes: Record<number, string>, lines = BASE): string {
  return lines.map((l, i) => changes[i + 1] ?? l).join('\r\n') + '\r\n';
}

t.test('the base text parses, with CRLF or LF', async (t) => {
  const crlf = parseInstance(edit({}), 'tiny');
  const lf = parseInstance(BASE.join('\n'), 'tiny');
  t.same(crlf, lf);
  t.equal(crlf.horizon, 7);
  t.same(crlf.shifts, [
    { id: 'E', lengthMinutes: 480, notFollow: [] },
    { id: 'L', lengthMinutes: 600, notFollow: ['E'] },
  ]);
  t.same(crlf.staff.map((s) => [s.id, s.daysOff]), [['A', [6]], ['B', [0, 1]]]);
  t.same(crlf.onRequests, [{ staff: 'A', day: 0, shift: 'E', weight: 2 }]);
  t.same(crlf.offRequests, [{ staff: 'B', day: 2, shift: 'L', weight: 1 }]);
  t.equal(crlf.cover.length, 14);
  t.same(crlf.cover[3], { day: 1, shift: 'L', requirement: 1, weightUnder: 100, weightOver: 1 });
});

t.test('malformed input: CqParseError with the right line', async (t) => {
  const cases: [string, string, number, RegExp][] = [
    // [what, text, line, message]
    ['sections out of order', edit({ 10: 'SECTION_DAYS_OFF' }), 10, /expected SECTION_STAFF but found "SECTION_DAYS_OFF"/],
    ['section repeated', edit({ 4: 'SECTION_HORIZON' }), 4, /expected SECTION_SHIFTS but found "SECTION_HORIZON"/],
    ['unknown section', edit({ 14: 'SECTION_HOLIDAYS' }), 14, /unknown section header/],
    ['data before the first section', edit({ 1: '7' }), 1, /before SECTION_HORIZON/],
    ['section after COVER', edit({}, [...BASE, 'SECTION_COVER']), 39, /after SECTION_COVER/],
    ['missing section', edit({}, BASE.slice(0, 23)), 23, /missing SECTION_COVER/],
    ['empty input', '', 1, /missing SECTION_HORIZON/],
    ['two horizon lines', edit({ 4: '14' }), 4, /exactly one line/],
    ['horizon not a multiple of 7', edit({ 3: '10' }), 3, /not a positive multiple of 7/],
    ['horizon not an integer', edit({ 3: '7.0' }), 3, /"7.0" is not a non-negative integer/],
    ['shift: too few fields', edit({ 7: 'E,480' }), 7, /expected 3 comma-separated fields, found 2/],
    ['shift: too many fields', edit({ 8: 'L,600,E,' }), 8, /expected 3 comma-separated fields, found 4/],
    ['shift: non-integer length', edit({ 7: 'E,8h,' }), 7, /length of shift "E": "8h"/],
    ['shift: negative length', edit({ 7: 'E,-480,' }), 7, /"-480" is not a non-negative integer/],
    ['shift: duplicate id', edit({ 8: 'E,600,' }), 8, /duplicate shift id "E" \(first on line 7\)/],
    ['shift: unknown NotFollow', edit({ 8: 'L,600,E|N' }), 8, /names unknown shift "N"/],
    ['shift: empty item in NotFollow', edit({ 8: 'L,600,E|' }), 8, /"" is not a valid id/],
    ['shift: space in a field', edit({ 8: 'L, 600,E' }), 8, /" 600" is not a non-negative integer/],
    ['trailing whitespace', edit({ 8: 'L,600,E ' }), 8, /whitespace/],
    ['staff: wrong field count', edit({ 12: 'B,E=7|L=7,5000,0,7,1,1' }), 12, /expected 8 comma-separated fields, found 7/],
    ['staff: non-integer', edit({ 12: 'B,E=7|L=7,5000,0,7,one,1,1' }), 12, /MinConsecutiveShifts of "B": "one"/],
    ['staff: empty field', edit({ 12: 'B,E=7|L=7,5000,,7,1,1,1' }), 12, /field 4 is empty/],
    ['staff: unknown shift in MaxShifts', edit({ 11: 'A,E=7|X=7,5000,0,7,1,1,1' }), 11, /unknown shift "X"/],
    ['staff: shift missing from MaxShifts', edit({ 11: 'A,E=7,5000,0,7,1,1,1' }), 11, /no limit for shift "L"/],
    ['staff: shift twice in MaxShifts', edit({ 11: 'A,E=7|L=7|E=1,5000,0,7,1,1,1' }), 11, /lists shift "E" twice/],
    ['staff: malformed MaxShifts item', edit({ 11: 'A,E7|L=7,5000,0,7,1,1,1' }), 11, /"E7" is not ShiftID=limit/],
    ['staff: duplicate id', edit({ 12: 'A,E=7|L=7,5000,0,7,1,1,1' }), 12, /duplicate staff id "A" \(first on line 11\)/],
    ['days off: unknown staff', edit({ 16: 'C,0' }), 16, /unknown staff "C"/],
    ['days off: day out of range', edit({ 16: 'B,7' }), 16, /day 7 is outside the horizon 0..6/],
    ['days off: no day', edit({ 16: 'B' }), 16, /at least one day/],
    ['days off: second line for a person', edit({ 16: 'A,2' }), 16, /second days-off line for "A" \(first on line 15\)/],
    ['days off: same day twice', edit({ 16: 'B,1,1' }), 16, /lists a day twice/],
    ['on-request: unknown shift', edit({ 19: 'A,0,N,2' }), 19, /shift-on request: unknown shift "N"/],
    ['on-request: unknown staff', edit({ 19: 'Z,0,E,2' }), 19, /shift-on request: unknown staff "Z"/],
    ['on-request: staff id is case-sensitive', edit({ 19: 'a,0,E,2' }), 19, /unknown staff "a"/],
    ['on-request: wrong field count', edit({ 19: 'A,0,E' }), 19, /expected 4 comma-separated fields, found 3/],
    ['on-request: duplicate', edit({ 20: 'A,0,E,3' }), 20, /duplicate shift-on request for A,0,E \(first on line 19\)/],
    ['off-request: day out of range', edit({ 22: 'B,9,L,1' }), 22, /day 9 is outside/],
    ['off-request: non-integer weight', edit({ 22: 'B,2,L,x' }), 22, /shift-off request weight: "x"/],
    ['cover: unknown shift', edit({ 25: '0,X,1,100,1' }), 25, /cover: unknown shift "X"/],
    ['cover: non-integer requirement', edit({ 26: '0,L,1.5,100,1' }), 26, /cover requirement: "1.5"/],
    ['cover: negative requirement', edit({ 26: '0,L,-1,100,1' }), 26, /"-1" is not a non-negative integer/],
    ['cover: wrong field count', edit({ 26: '0,L,1,100' }), 26, /expected 5 comma-separated fields, found 4/],
    ['cover: duplicate row', edit({ 30: '1,E,2,100,1' }), 30, /duplicate cover row for day 1, shift "E" \(first on line 27\)/],
    ['cover: missing row', edit({ 31: '' }), 38, /has 13 rows, expected 14 \(7 days × 2 shifts\); first missing: day 3, shift "E"/],
  ];
  for (const [what, text, line, re] of cases) {
    try {
      parseInstance(text, 'bad');
      t.fail(`${what}: no error`);
    } catch (e) {
      if (!(e instanceof CqParseError)) {
        t.fail(`${what}: not a CqParseError: ${String(e)}`);
        continue;
      }
      t.equal(e.line, line, `${what}: line`);
      t.match(e.detail, re, `${what}: message`);
      t.equal(e.message, `bad:${line}: ${e.detail}`, `${what}: message names source and line`);
    }
  }
  // Without a name the message still carries the line.
  t.throws(() => parseInstance(edit({ 3: 'x' })), { message: /^line 3: horizon/ });
  // "-0" is the only signed integer accepted (the published Instance15 has it).
  t.equal(parseInstance(edit({ 26: '0,L,-0,100,1' })).cover[1]!.requirement, 0);
  // Blank lines, whitespace-only lines and indented comments are ignored wherever they are.
  const spaced = edit({ 4: ' \t ', 6: '   # indented comment' }, [...BASE.slice(0, 11), '', ...BASE.slice(11)]);
  t.same(parseInstance(spaced), parseInstance(edit({})));
});

t.test('loadInstance names the instance after the file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'cq-'));
  try {
    await writeFile(join(dir, 'Tiny7.txt'), edit({ 3: '8' }));
    await t.rejects(loadInstance(join(dir, 'Tiny7.txt')), { name: 'CqParseError', line: 3, source: 'Tiny7', message: /^Tiny7:3: / });
  } finally {
    await rm(dir, { recursive: true });
  }
});

// ---------------------------------------------------------------------------------------------------------
// Evaluator on hand-built tiny instances.
const LOOSE = { caps: 'E=99|L=99', maxMin: 100000, minMin: 0, maxCons: 99, minCons: 1, minOff: 1, maxWe: 99 };
function staffLine(id: string, o: Partial<typeof LOOSE> = {}): string {
  const s = { ...LOOSE, ...o };
  return [id, s.caps, s.maxMin, s.minMin, s.maxCons, s.minCons, s.minOff, s.maxWe].join(',');
}
interface Tiny {
  horizon?: number;
  shifts?: string[];
  staff: string[];
  daysOff?: string[];
  on?: string[];
  off?: string[];
  /** Cover row for (day, shift) as "req,wu,wo"; default "0,100,1". */
  cover?: (d: number, shift: string) => string;
}
/** E (480 min) and L (600 min, may not be followed by E) unless told otherwise. */
function tiny(o: Tiny): CqInstance {
  const H = o.horizon ?? 7;
  const shifts = o.shifts ?? ['E,480,', 'L,600,E'];
  const lines = [
    'SECTION_HORIZON', String(H), '',
    'SECTION_SHIFTS', ...shifts, '',
    'SECTION_STAFF', ...o.staff, '',
    'SECTION_DAYS_OFF', ...(o.daysOff ?? []), '',
    'SECTION_SHIFT_ON_REQUESTS', ...(o.on ?? []), '',
    'SECTION_SHIFT_OFF_REQUESTS', ...(o.off ?? []), '',
    'SECTION_COVER',
  ];
  for (let d = 0; d < H; d++) {
    for (const s of shifts) {
      const id = s.split(',')[0]!;
      lines.push(`${d},${id},${o.cover?.(d, id) ?? '0,100,1'}`);
    }
  }
  return parseInstance(lines.join('\r\n'), 'tiny');
}
/** Roster from one string per person, one character per day: '.' off, otherwise the shift id. */
function roster(rows: Record<string, string>): CqAssignment[] {
  return Object.entries(rows).flatMap(([staff, row]) =>
    [...row].flatMap((c, day) => (c === '.' ? [] : [{ staff, day, shift: c }])),
  );
}
/** Violations as "rule:staff@day" for compact assertions. */
function brief(ev: CqEvaluation): string[] {
  return ev.hardViolations.map((v) => `${v.rule}:${v.staff ?? ''}${v.day === undefined ? '' : '@' + v.day}`);
}

t.test('objective by hand: requests and cover, per shift type', async (t) => {
  // Cover: E needs 1 every day (100 under, 1 over); L needs 0 except day 4 needs 1, with weights 5 under, 7 over.
  const inst = tiny({
    staff: [staffLine('A'), staffLine('B')],
    on: ['A,0,E,2', 'A,1,L,3', 'B,6,E,1'],
    off: ['B,2,E,1', 'B,3,L,2', 'A,4,L,3'],
    cover: (d, s) => (s === 'E' ? '1,100,1' : d === 4 ? '1,5,7' : '0,5,7'),
  });
  // A: E E . . . . .    B: . . E . L L .
  const ev = evaluateCq(inst, roster({ A: 'EE.....', B: '..E.LL.' }));
  // on:  A,0,E met; A,1,L not met (E instead) → 3; B,6,E not met (off) → 1.           = 4
  // off: B,2,E hit → 1; B,3,L not hit; A,4,L not hit (it is B who works L).            = 1
  // E under on days 3,4,5,6 → 4 × 100; L day 4 met; L day 5 one over → 7.
  t.same(ev.breakdown, { onRequests: 4, offRequests: 1, coverUnder: 400, coverOver: 7 });
  t.equal(ev.objective, 412);
  t.same(ev.hardViolations, []);

  // Overstaffing one shift never makes up for a gap on another: both on E on day 4, nobody on L.
  const ev2 = evaluateCq(inst, roster({ A: '....E..', B: '....E..' }));
  // E: day 4 one over (1); days 0-3,5,6 under (600). L: day 4 under (5). On: 2+3+1 = 6.
  t.same(ev2.breakdown, { onRequests: 6, offRequests: 0, coverUnder: 605, coverOver: 1 });
  t.equal(ev2.objective, 612);

  // A shift-off request is only about that shift: A works E on day 4 (off-request is for L) → no cost.
  const ev3 = evaluateCq(inst, roster({ A: '....E..' }));
  t.equal(ev3.breakdown.offRequests, 0);
  const ev4 = evaluateCq(inst, roster({ A: '....L..' }));
  t.equal(ev4.breakdown.offRequests, 3);
});

t.test('rule 1: one shift per day', async (t) => {
  const inst = tiny({ staff: [staffLine('A')] });
  const ev = evaluateCq(inst, [
    { staff: 'A', day: 3, shift: 'E' },
    { staff: 'A', day: 3, shift: 'L' },
    { staff: 'A', day: 5, shift: 'E' },
    { staff: 'A', day: 5, shift: 'E' },
  ]);
  t.same(brief(ev), ['one-shift-per-day:A@3', 'one-shift-per-day:A@5']);
  // Both entries still count towards cover (0 required): E on day 3, L on day 3, E twice on day 5.
  t.equal(ev.breakdown.coverOver, 4);
});

t.test('rule 2: rotation, inside the horizon only', async (t) => {
  const inst = tiny({ staff: [staffLine('A')] });
  t.same(brief(evaluateCq(inst, roster({ A: '..LE...' }))), ['rotation:A@3'], 'L then E is forbidden');
  t.same(brief(evaluateCq(inst, roster({ A: '..EL...' }))), [], 'E then L is allowed');
  t.same(brief(evaluateCq(inst, roster({ A: 'L.LLE.L' }))), ['rotation:A@4'], 'L then L allowed; L on the last day has no successor');
  t.same(brief(evaluateCq(inst, roster({ A: 'E......' }))), [], 'no history before day 0');
  t.same(brief(evaluateCq(inst, roster({ A: '.....LE' }))), ['rotation:A@6'], 'the last pair of days is checked');
});

t.test('rule 3: max shifts per type, 0 forbids the type', async (t) => {
  const inst = tiny({ staff: [staffLine('A', { caps: 'E=2|L=0' }), staffLine('B', { caps: 'E=2|L=7' })] });
  t.same(brief(evaluateCq(inst, roster({ A: 'EE.....', B: 'EE.LLL.' }))), []);
  t.same(brief(evaluateCq(inst, roster({ A: 'EE..L..', B: 'EEE....' }))), ['max-shifts:A', 'max-shifts:B']);
});

t.test('rule 4: workload bounds are inclusive', async (t) => {
  // E = 480, L = 600. A: 960 ≤ minutes ≤ 1080.
  const inst = tiny({ staff: [staffLine('A', { minMin: 960, maxMin: 1080 })] });
  t.same(brief(evaluateCq(inst, roster({ A: 'E.E....' }))), [], '960');
  t.same(brief(evaluateCq(inst, roster({ A: 'E.L....' }))), [], '1080');
  t.same(brief(evaluateCq(inst, roster({ A: 'E......' }))), ['workload:A'], '480 < 960');
  t.same(brief(evaluateCq(inst, roster({ A: 'L.L....' }))), ['workload:A'], '1200 > 1080');
  t.match(evaluateCq(inst, roster({ A: 'L.L....' })).hardViolations[0]!.message, /1200 minutes, more than the maximum 1080/);
});

t.test('rule 5: max consecutive shifts', async (t) => {
  const inst = tiny({ staff: [staffLine('A', { maxCons: 3 })] });
  t.same(brief(evaluateCq(inst, roster({ A: 'EEE.EEE' }))), [], 'two runs of 3');
  t.same(brief(evaluateCq(inst, roster({ A: '.EEEE..' }))), ['max-consecutive-shifts:A@1'], 'run of 4');
  // A run may mix shift types.
  t.same(brief(evaluateCq(inst, roster({ A: 'ELLL...' }))), ['max-consecutive-shifts:A@0']);
  t.same(brief(evaluateCq(inst, roster({ A: 'EEEEEEE' }))), ['max-consecutive-shifts:A@0'], 'at both edges too');
});

t.test('rule 6: min consecutive shifts, runs at the horizon edges are exempt', async (t) => {
  const inst = tiny({ staff: [staffLine('A', { minCons: 3 })] });
  t.same(brief(evaluateCq(inst, roster({ A: '..E....' }))), ['min-consecutive-shifts:A@2'], 'off, 1 worked, off');
  t.same(brief(evaluateCq(inst, roster({ A: '.EE.EEE' }))), ['min-consecutive-shifts:A@1'], 'off, 2 worked, off');
  t.same(brief(evaluateCq(inst, roster({ A: '.EEE...' }))), [], 'interior run of exactly 3');
  t.same(brief(evaluateCq(inst, roster({ A: 'E......' }))), [], 'run of 1 starting on day 0 is exempt');
  t.same(brief(evaluateCq(inst, roster({ A: 'EE.....' }))), [], 'run of 2 starting on day 0 is exempt');
  t.same(brief(evaluateCq(inst, roster({ A: '......E' }))), [], 'run of 1 ending on day H-1 is exempt');
  t.same(brief(evaluateCq(inst, roster({ A: 'E.....E' }))), [], 'both edge runs exempt');
  t.same(brief(evaluateCq(inst, roster({ A: 'E..E..E' }))), ['min-consecutive-shifts:A@3'], 'only the interior run counts');
  // Day 1 is the first day whose run has a day off before it inside the horizon.
  t.same(brief(evaluateCq(inst, roster({ A: '.E.....' }))), ['min-consecutive-shifts:A@1']);
  t.same(brief(evaluateCq(inst, roster({ A: '.....E.' }))), ['min-consecutive-shifts:A@5'], 'day H-2 is not an edge');
});

t.test('rule 7: min consecutive days off, off-runs at the horizon edges are exempt', async (t) => {
  const inst = tiny({ staff: [staffLine('A', { minOff: 3 })] });
  t.same(brief(evaluateCq(inst, roster({ A: 'EE.EEEE' }))), ['min-consecutive-days-off:A@2'], 'worked, 1 off, worked');
  t.same(brief(evaluateCq(inst, roster({ A: 'E..E...' }))), ['min-consecutive-days-off:A@1'], 'worked, 2 off, worked');
  t.same(brief(evaluateCq(inst, roster({ A: 'E...E..' }))), [], 'interior off-run of exactly 3');
  t.same(brief(evaluateCq(inst, roster({ A: '.EEEEEE' }))), [], 'off-run of 1 starting on day 0 is exempt');
  t.same(brief(evaluateCq(inst, roster({ A: 'EEEEEE.' }))), [], 'off-run of 1 ending on day H-1 is exempt');
  t.same(brief(evaluateCq(inst, roster({ A: '.EEEEE.' }))), [], 'both edge off-runs exempt');
  t.same(brief(evaluateCq(inst, roster({ A: '.......' }))), [], 'nobody-works run covers the horizon: exempt');
  t.same(brief(evaluateCq(inst, roster({ A: '.E.E..E' }))), ['min-consecutive-days-off:A@2', 'min-consecutive-days-off:A@4'], 'two interior off-runs');
  // Fixed days off are days off like any other for this rule.
  const withDayOff = tiny({ staff: [staffLine('A', { minOff: 2 })], daysOff: ['A,3'] });
  t.same(brief(evaluateCq(withDayOff, roster({ A: 'EEE.EEE' }))), ['min-consecutive-days-off:A@3']);
});

t.test('rules 6 and 7 interact only through the roster', async (t) => {
  // Both minima 2. "E.E...." : run of 1 on day 0 (exempt), off-run day 1 (interior, too short),
  // run of 1 on day 2 (interior, too short), off-run 3..6 (touches the end: exempt).
  const inst = tiny({ staff: [staffLine('A', { minCons: 2, minOff: 2 })] });
  t.same(brief(evaluateCq(inst, roster({ A: 'E.E....' }))), ['min-consecutive-days-off:A@1', 'min-consecutive-shifts:A@2']);
});

t.test('rule 8: max weekends (Saturday 7w+5, Sunday 7w+6)', async (t) => {
  const inst = tiny({ horizon: 14, staff: [staffLine('A', { maxWe: 1 }), staffLine('B', { maxWe: 0 })] });
  t.same(brief(evaluateCq(inst, roster({ A: '.....EE.......' }))), [], 'Saturday and Sunday are one weekend');
  t.same(brief(evaluateCq(inst, roster({ A: '......E.....E.' }))), ['max-weekends:A'], 'Sunday of week 0 and Saturday of week 1');
  t.same(brief(evaluateCq(inst, roster({ A: 'EEEEE..EEEEE..' }))), [], 'weekdays only');
  t.same(brief(evaluateCq(inst, roster({ B: '.............E' }))), ['max-weekends:B'], 'MaxWeekends 0');
  t.same(brief(evaluateCq(inst, roster({ B: '....E..E......' }))), [], 'Friday and Monday are not weekend days');
});

t.test('rule 9: fixed days off', async (t) => {
  const inst = tiny({ staff: [staffLine('A'), staffLine('B')], daysOff: ['A,0,3', 'B,6'] });
  t.same(brief(evaluateCq(inst, roster({ A: '.EE.E..', B: 'EEEEEE.' }))), []);
  t.same(brief(evaluateCq(inst, roster({ A: 'E..L...', B: '......L' }))), ['day-off:A@0', 'day-off:A@3', 'day-off:B@6']);
});

t.test('assignments naming nothing real are violations and count for nothing', async (t) => {
  const inst = tiny({ staff: [staffLine('A')], on: ['A,1,E,2'], cover: () => '1,100,1' });
  const base = evaluateCq(inst, []);
  const ev = evaluateCq(inst, [
    { staff: 'Z', day: 1, shift: 'E' },
    { staff: 'a', day: 1, shift: 'E' },
    { staff: 'A', day: 1, shift: 'N' },
    { staff: 'A', day: 7, shift: 'E' },
    { staff: 'A', day: -1, shift: 'E' },
    { staff: 'A', day: 1.5, shift: 'E' },
    { staff: 'A', day: Number.NaN, shift: 'E' },
  ]);
  t.same(ev.hardViolations.map((v) => v.rule), [
    'unknown-staff',
    'unknown-staff',
    'unknown-shift',
    'day-out-of-range',
    'day-out-of-range',
    'day-out-of-range',
    'day-out-of-range',
  ]);
  t.same(ev.breakdown, base.breakdown);
  t.equal(ev.objective, 14 * 100 + 2);
});

// ---------------------------------------------------------------------------------------------------------
// Cross-check against an independent brute force: 2 staff × 7 days × 2 shift types, every roster.
t.test('brute force over all 3^14 rosters agrees with the evaluator', async (t) => {
  const text = [
    'SECTION_HORIZON', '7',
    'SECTION_SHIFTS', 'E,480,', 'L,600,E',
    'SECTION_STAFF',
    // A: at most 2 L, 1440..2640 min, runs of 2..4 worked days, 2+ days off between runs, 1 weekend.
    'A,E=7|L=2,2640,1440,4,2,2,1',
    // B: at most 3 E, 1440..3000 min, runs of 2..3 worked days, any off-run, 1 weekend.
    'B,E=3|L=7,3000,1440,3,2,1,1',
    'SECTION_DAYS_OFF', 'A,3', 'B,0',
    'SECTION_SHIFT_ON_REQUESTS', 'A,0,E,2', 'A,1,L,1', 'B,2,L,3', 'B,4,E,1',
    'SECTION_SHIFT_OFF_REQUESTS', 'A,5,E,2', 'B,3,L,1', 'A,6,L,3',
    'SECTION_COVER',
    '0,E,1,100,1', '0,L,1,100,1',
    '1,E,1,100,1', '1,L,0,100,1',
    '2,E,1,100,1', '2,L,1,100,1',
    '3,E,1,100,1', '3,L,1,100,1',
    '4,E,2,100,1', '4,L,0,100,1',
    '5,E,0,100,1', '5,L,0,100,1',
    '6,E,1,50,3', '6,L,1,100,1',
  ].join('\n');
  const inst = parseInstance(text, 'brute');

  // Independent model, written from data/README.md in the "window/pattern" form rather than the evaluator's runs.
  const H = 7;
  const LEN: Record<string, number> = { E: 480, L: 600 };
  const NOT_FOLLOW: Record<string, string> = { E: '', L: 'E' };
  const P = {
    A: { cap: { E: 7, L: 2 } as Record<string, number>, max: 2640, min: 1440, maxC: 4, minC: 2, minOff: 2, maxW: 1, off: [3] },
    B: { cap: { E: 3, L: 7 } as Record<string, number>, max: 3000, min: 1440, maxC: 3, minC: 2, minOff: 1, maxW: 1, off: [0] },
  };
  const ON: [string, number, string, number][] = [['A', 0, 'E', 2], ['A', 1, 'L', 1], ['B', 2, 'L', 3], ['B', 4, 'E', 1]];
  const OFF: [string, number, string, number][] = [['A', 5, 'E', 2], ['B', 3, 'L', 1], ['A', 6, 'L', 3]];
  const REQ: Record<string, number[]> = { E: [1, 1, 1, 1, 2, 0, 1], L: [1, 0, 1, 1, 0, 0, 1] };
  const WU = (d: number, s: string): number => (d === 6 && s === 'E' ? 50 : 100);
  const WO = (d: number, s: string): number => (d === 6 && s === 'E' ? 3 : 1);

  const naiveRules = (id: 'A' | 'B', row: string): string[] => {
    const p = P[id];
    const w = (d: number): boolean => row[d] !== '.';
    const broken = new Set<string>();
    for (let d = 0; d + 1 < H; d++) if (w(d) && w(d + 1) && NOT_FOLLOW[row[d]!]!.includes(row[d + 1]!)) broken.add('rotation');
    for (const s of ['E', 'L']) if ([...row].filter((c) => c === s).length > p.cap[s]!) broken.add('max-shifts');
    const mins = [...row].reduce((z, c) => z + (LEN[c] ?? 0), 0);
    if (mins < p.min || mins > p.max) broken.add('workload');
    // Rule 5 as stated: every window of max+1 days contains a day off.
    for (let s = 0; s + p.maxC + 1 <= H; s++) if ([...row.slice(s, s + p.maxC + 1)].every((c) => c !== '.')) broken.add('max-consecutive-shifts');
    // Rules 6 and 7 as in the model: the pattern off, k worked, off (resp. worked, k off, worked) is
    // forbidden for k = 1 … min-1 whenever the whole pattern fits inside the horizon.
    for (let k = 1; k < p.minC; k++) {
      for (let s = 0; s + k + 1 < H; s++) {
        if (!w(s) && !w(s + k + 1) && [...Array(k).keys()].every((j) => w(s + 1 + j))) broken.add('min-consecutive-shifts');
      }
    }
    for (let k = 1; k < p.minOff; k++) {
      for (let s = 0; s + k + 1 < H; s++) {
        if (w(s) && w(s + k + 1) && [...Array(k).keys()].every((j) => !w(s + 1 + j))) broken.add('min-consecutive-days-off');
      }
    }
    if ((w(5) || w(6) ? 1 : 0) > p.maxW) broken.add('max-weekends');
    if (p.off.some((d) => w(d))) broken.add('day-off');
    return [...broken].sort();
  };
  const naiveObjective = (a: string, b: string): number => {
    const rows: Record<string, string> = { A: a, B: b };
    let z = 0;
    for (const [e, d, s, wt] of ON) if (rows[e]![d] !== s) z += wt;
    for (const [e, d, s, wt] of OFF) if (rows[e]![d] === s) z += wt;
    for (let d = 0; d < H; d++) {
      for (const s of ['E', 'L']) {
        const n = (a[d] === s ? 1 : 0) + (b[d] === s ? 1 : 0);
        const req = REQ[s]![d]!;
        z += WU(d, s) * Math.max(0, req - n) + WO(d, s) * Math.max(0, n - req);
      }
    }
    return z;
  };

  const allRows: string[] = [];
  for (let code = 0; code < 3 ** H; code++) {
    let row = '';
    for (let d = 0, c = code; d < H; d++, c = Math.floor(c / 3)) row += '.EL'[c % 3];
    allRows.push(row);
  }
  t.equal(allRows.length, 2187);

  // 1. Hard rules are per person: check every one of the 2,187 rows of each person, rule by rule.
  const feasible: Record<'A' | 'B', string[]> = { A: [], B: [] };
  let mismatches = 0;
  for (const id of ['A', 'B'] as const) {
    for (const row of allRows) {
      const ev = evaluateCq(inst, roster({ [id]: row }));
      const got = [...new Set(ev.hardViolations.filter((v) => v.staff === id).map((v) => v.rule))].sort();
      const want = naiveRules(id, row);
      if (got.join() !== want.join()) {
        mismatches++;
        if (mismatches <= 5) t.fail(`${id} ${row}: evaluator ${got.join('+') || 'feasible'}, brute force ${want.join('+') || 'feasible'}`);
      }
      if (want.length === 0) feasible[id].push(row);
    }
  }
  t.equal(mismatches, 0, 'per-person hard rules agree on all 2 × 2,187 rows');
  t.ok(feasible.A.length > 0 && feasible.B.length > 0, `feasible rows: A ${feasible.A.length}, B ${feasible.B.length}`);

  // 2. Exhaustive optimum over all 3^14 rosters with the naive model.
  const feasA = new Set(feasible.A);
  const feasB = new Set(feasible.B);
  let best = Infinity;
  let bestRosters: string[] = [];
  for (const a of allRows) {
    if (!feasA.has(a)) continue;
    for (const b of allRows) {
      if (!feasB.has(b)) continue;
      const z = naiveObjective(a, b);
      if (z < best) [best, bestRosters] = [z, [`${a}/${b}`]];
      else if (z === best) bestRosters.push(`${a}/${b}`);
    }
  }

  // 3. The evaluator agrees on every feasible roster's objective, and so finds the same optimum.
  let evalBest = Infinity;
  let objMismatch = 0;
  for (const a of feasible.A) {
    for (const b of feasible.B) {
      const ev = evaluateCq(inst, roster({ A: a, B: b }));
      if (ev.hardViolations.length !== 0 || ev.objective !== naiveObjective(a, b)) objMismatch++;
      evalBest = Math.min(evalBest, ev.objective);
    }
  }
  t.equal(objMismatch, 0, `objective agrees on all ${feasible.A.length * feasible.B.length} feasible rosters`);
  t.equal(evalBest, best, `same optimum (${best}; optimal rosters: ${bestRosters.join(', ')})`);
  // The unique optimum, its value checked by hand:  A EEL...E,  B ..EEE.L
  //   cover: day 0 L short, day 3 L short, day 4 E has 1 of 2 → 3 × 100; everything else exact (day 6 E and L met)
  //   on:    A,1,L (A works E) 1 + B,2,L (B works E) 3 = 4;  off: none hit.   Total 304.
  t.same(bestRosters, ['EEL...E/..EEE.L']);
  const opt = evaluateCq(inst, roster({ A: 'EEL...E', B: '..EEE.L' }));
  t.same(opt, { objective: 304, breakdown: { onRequests: 4, offRequests: 0, coverUnder: 300, coverOver: 0 }, hardViolations: [] });

  // 4. And on a deterministic sample of arbitrary (mostly infeasible) rosters, objective and feasibility.
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let sampleMismatch = 0;
  for (let i = 0; i < 3000; i++) {
    const a = allRows[Math.floor(rnd() * allRows.length)]!;
    const b = allRows[Math.floor(rnd() * allRows.length)]!;
    const ev = evaluateCq(inst, roster({ A: a, B: b }));
    const feasibleNaive = feasA.has(a) && feasB.has(b);
    if (ev.objective !== naiveObjective(a, b) || (ev.hardViolations.length === 0) !== feasibleNaive) sampleMismatch++;
  }
  t.equal(sampleMismatch, 0, 'objective and feasibility agree on 3,000 random rosters');
});

// ---------------------------------------------------------------------------------------------------------
t.test('solution JSON: canonical form, round trip, strict reader', async (t) => {
  const sol = {
    instance: 'Instance1',
    objective: 607,
    seconds: 1.25,
    assignments: [
      { staff: 'AA', day: 0, shift: 'D' },
      { staff: 'B', day: 3, shift: 'D' },
      { staff: 'B', day: 1, shift: 'D' },
      { staff: 'A', day: 2, shift: 'D' },
    ],
  };
  const text = formatSolutionJson(sol);
  t.equal(
    text,
    '{\n  "instance": "Instance1",\n  "objective": 607,\n  "seconds": 1.25,\n  "assignments": [\n' +
      '    {"staff":"A","day":2,"shift":"D"},\n    {"staff":"B","day":1,"shift":"D"},\n' +
      '    {"staff":"B","day":3,"shift":"D"},\n    {"staff":"AA","day":0,"shift":"D"}\n  ]\n}\n',
    'sorted by staff (A … Z before AA) then day, one line per assignment',
  );
  const back = parseSolutionJson(text);
  t.same(back.assignments.map((a) => `${a.staff}${a.day}`), ['A2', 'B1', 'B3', 'AA0']);
  t.same({ ...back, assignments: [] }, { ...sol, assignments: [] });
  t.equal(formatSolutionJson({ ...sol, assignments: [] }).includes('"assignments": []'), true);
  t.same(parseSolutionJson(formatSolutionJson({ ...sol, assignments: [] })).assignments, []);

  t.throws(() => formatSolutionJson({ ...sol, assignments: [...sol.assignments, { staff: 'B', day: 1, shift: 'E' }] }), {
    name: 'CqSolutionError',
    message: /same staff and day/,
  });
  t.throws(() => formatSolutionJson({ ...sol, objective: 607.5 }), { name: 'CqSolutionError', path: 'objective' });
  t.throws(() => formatSolutionJson({ ...sol, seconds: -1 }), { name: 'CqSolutionError', path: 'seconds' });

  const good = JSON.parse(text) as Record<string, unknown>;
  const bad: [string, unknown, string][] = [
    ['extra key', { ...good, solver: 'x' }, 'solver'],
    ['missing key', { instance: 'I', objective: 1, seconds: 0 }, 'assignments'],
    ['not an object', [], ''],
    ['empty instance', { ...good, instance: '' }, 'instance'],
    ['objective as string', { ...good, objective: '607' }, 'objective'],
    ['seconds null', { ...good, seconds: null }, 'seconds'],
    ['negative day', { ...good, assignments: [{ staff: 'A', day: -1, shift: 'D' }] }, 'assignments[0].day'],
    ['fractional day', { ...good, assignments: [{ staff: 'A', day: 0.5, shift: 'D' }] }, 'assignments[0].day'],
    ['extra key in assignment', { ...good, assignments: [{ staff: 'A', day: 0, shift: 'D', w: 1 }] }, 'assignments[0].w'],
    ['missing shift', { ...good, assignments: [{ staff: 'A', day: 0 }] }, 'assignments[0].shift'],
    ['unsorted', { ...good, assignments: [{ staff: 'B', day: 0, shift: 'D' }, { staff: 'A', day: 0, shift: 'D' }] }, 'assignments[1]'],
    ['unsorted days', { ...good, assignments: [{ staff: 'A', day: 2, shift: 'D' }, { staff: 'A', day: 0, shift: 'D' }] }, 'assignments[1]'],
    ['two shifts one day', { ...good, assignments: [{ staff: 'A', day: 0, shift: 'D' }, { staff: 'A', day: 0, shift: 'E' }] }, 'assignments[1]'],
  ];
  for (const [what, value, path] of bad) {
    t.throws(() => parseSolutionJson(JSON.stringify(value)), { name: 'CqSolutionError', path }, what);
  }
  t.throws(() => parseSolutionJson('{"instance":'), { name: 'CqSolutionError', message: /not JSON/ });
  t.ok(new CqSolutionError('x', 'y') instanceof Error);

  // Written atomically, read back, and evaluated from the roster alone.
  const dir = await mkdtemp(join(tmpdir(), 'cq-sol-'));
  try {
    const inst = instances.get(1)!;
    const assignments = roster({ A: '.DDDDD..DDDDD.' });
    const ev = evaluateCq(inst, assignments);
    const path = join(dir, 'Instance1.json');
    await writeSolutionJson(path, { instance: inst.name, objective: ev.objective, seconds: 0.5, assignments });
    t.same(await readdir(dir), ['Instance1.json'], 'no temporary file left behind');
    const read = await readSolutionJson(path);
    t.equal(evaluateCq(inst, read.assignments).objective, read.objective);
    t.same(read.assignments, assignments);
  } finally {
    await rm(dir, { recursive: true });
  }
});

// The committed run (benchmarks/results/curtois-qu/ and its table in curtois-qu.md): every solution file
// keeps every hard rule, its objective is the official objective recomputed from its assignments, and the
// table's first row for each instance says the same.
t.test('committed results: all 24 solutions keep every hard rule and report the official objective', async (t) => {
  const results = fileURLToPath(new URL('../../results/', import.meta.url));
  const table = await readFile(join(results, 'curtois-qu.md'), 'utf8');
  for (let n = 1; n <= 24; n++) {
    const solution = await readSolutionJson(join(results, 'curtois-qu', `Instance${n}.solution.json`));
    const instance = await loadInstance(join(DATA_DIR, `Instance${n}.txt`));
    t.equal(solution.instance, `Instance${n}`);
    const ev = evaluateCq(instance, solution.assignments);
    t.same(ev.hardViolations, [], `Instance${n}: no hard violation`);
    t.equal(solution.objective, ev.objective, `Instance${n}: reported objective ${solution.objective} = recomputed ${ev.objective}`);
    // First table row of the instance: | InstanceN | objective | best | gap | limit | seconds | hard violations | status |
    const row = new RegExp(`^\\| Instance${n} +\\| +(\\d+) \\|[^|]*\\|[^|]*\\|[^|]*\\|[^|]*\\| +(\\d+) \\|`, 'm').exec(table);
    t.ok(row, `Instance${n} has a row in curtois-qu.md`);
    t.equal(Number(row?.[1]), ev.objective, `Instance${n}: table objective`);
    t.equal(Number(row?.[2]), 0, `Instance${n}: table hard violations`);
  }
});
