/**
 * Strict parser for the Curtois & Qu (2014) `.txt` instance format, as specified in
 * benchmarks/curtois-qu/data/README.md (the format facts this parser relies on).
 *
 * Strict on purpose: benchmark figures are only comparable with published values if we read exactly the
 * published instance, so anything the spec does not allow is an error with a 1-based line number rather
 * than a silent guess.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

export interface CqShift {
  readonly id: string;
  /** Duration in minutes; only used for the workload bounds (hard rule 4). */
  readonly lengthMinutes: number;
  /** Shift ids the same person may not work on the day after this shift (hard rule 2). */
  readonly notFollow: readonly string[];
}

export interface CqStaff {
  readonly id: string;
  /** Cap per shift id; every shift type of the instance has an entry; 0 forbids the type. */
  readonly maxShifts: ReadonlyMap<string, number>;
  readonly maxTotalMinutes: number;
  readonly minTotalMinutes: number;
  readonly maxConsecutiveShifts: number;
  readonly minConsecutiveShifts: number;
  readonly minConsecutiveDaysOff: number;
  readonly maxWeekends: number;
  /** Days (ascending, 0-based) on which no shift may be assigned, from SECTION_DAYS_OFF. */
  readonly daysOff: readonly number[];
}

export interface CqRequest {
  readonly staff: string;
  readonly day: number;
  readonly shift: string;
  readonly weight: number;
}

export interface CqCover {
  readonly day: number;
  readonly shift: string;
  readonly requirement: number;
  readonly weightUnder: number;
  readonly weightOver: number;
}

export interface CqInstance {
  /** Name given by the caller (e.g. "Instance1"); empty if none was given. */
  readonly name: string;
  /** Number of days H; day 0 is a Monday; always a multiple of 7. */
  readonly horizon: number;
  /** In file order. */
  readonly shifts: readonly CqShift[];
  /** In file order. */
  readonly staff: readonly CqStaff[];
  readonly onRequests: readonly CqRequest[];
  readonly offRequests: readonly CqRequest[];
  /** Exactly one row per (day, shift), in file order. */
  readonly cover: readonly CqCover[];
  /** Lookups by id. Maps, not plain objects, so ids such as "constructor" cannot collide with prototype keys. */
  readonly shiftById: ReadonlyMap<string, CqShift>;
  readonly staffById: ReadonlyMap<string, CqStaff>;
}

export class CqParseError extends Error {
  /** 1-based line of the offending input; for problems only visible at the end (missing sections or cover rows), the last line. */
  readonly line: number;
  /** The message without the "name:line:" prefix. */
  readonly detail: string;
  readonly source: string;
  constructor(line: number, detail: string, source = '') {
    super(`${source === '' ? 'line ' : source + ':'}${line}: ${detail}`);
    this.name = 'CqParseError';
    this.line = line;
    this.detail = detail;
    this.source = source;
  }
}

const SECTIONS = [
  'HORIZON',
  'SHIFTS',
  'STAFF',
  'DAYS_OFF',
  'SHIFT_ON_REQUESTS',
  'SHIFT_OFF_REQUESTS',
  'COVER',
] as const;
type Section = (typeof SECTIONS)[number];

const STAFF_FIELDS = [
  'ID',
  'MaxShifts',
  'MaxTotalMinutes',
  'MinTotalMinutes',
  'MaxConsecutiveShifts',
  'MinConsecutiveShifts',
  'MinConsecutiveDaysOff',
  'MaxWeekends',
] as const;

/**
 * Ids may be anything the format can carry unambiguously: printable ASCII (the files are ASCII and fields have
 * no spaces), none of the format's own separators (`,` `|` `=`), not empty, and not starting with `#` (such a
 * line would read as a comment).
 */
const isValidId = (v: string): boolean => /^[\x21-\x7e]+$/.test(v) && !/[,|=]/.test(v) && !v.startsWith('#');
/**
 * Non-negative integers. "-0" is accepted as 0 because the published Instance15.txt has it (cover of day 41,
 * shifts D and n2), and the files must be read byte-exact; any other sign is an error.
 */
const UINT_RE = /^(?:[0-9]+|-0+)$/;

interface Line {
  readonly no: number;
  readonly text: string;
}

export function parseInstance(text: string, name = ''): CqInstance {
  // A declaration (not an arrow const) so that TypeScript treats calls as ending the control flow.
  function fail(line: number, detail: string): never {
    throw new CqParseError(line, detail, name);
  }

  const rawLines = text.split('\n');
  // A final newline leaves one empty string after the split; it is not a line of the file.
  if (rawLines.length > 1 && rawLines[rawLines.length - 1] === '') rawLines.pop();
  const lastLine = Math.max(1, rawLines.length);

  // Group data lines by section, checking the order of the section headers as we go.
  const bodies = new Map<Section, Line[]>();
  const headerLine = new Map<Section, number>();
  let current: Section | undefined;
  rawLines.forEach((raw, i) => {
    const no = i + 1;
    const t = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (t.trim() === '' || t.trimStart().startsWith('#')) return;
    if (t.startsWith('SECTION_')) {
      const sec = t.slice('SECTION_'.length);
      if (!(SECTIONS as readonly string[]).includes(sec)) fail(no, `unknown section header "${t}"`);
      const expected = SECTIONS[current === undefined ? 0 : SECTIONS.indexOf(current) + 1];
      if (sec !== expected) {
        fail(
          no,
          expected === undefined
            ? `unexpected "${t}" after SECTION_COVER (sections must appear once each, in the order ${SECTIONS.join(', ')})`
            : `expected SECTION_${expected} but found "${t}" (sections must appear once each, in the order ${SECTIONS.join(', ')})`,
        );
      }
      current = sec as Section;
      bodies.set(current, []);
      headerLine.set(current, no);
      return;
    }
    if (current === undefined) fail(no, `data line before SECTION_HORIZON: "${t}"`);
    if (t !== t.trim()) fail(no, 'leading or trailing whitespace (fields are separated by commas with no spaces)');
    bodies.get(current as Section)!.push({ no, text: t });
  });
  for (const s of SECTIONS) {
    if (!bodies.has(s)) fail(lastLine, `missing SECTION_${s}`);
  }
  const body = (s: Section): Line[] => bodies.get(s) ?? [];

  const fields = (l: Line, count: number, what: string, allowEmptyLast = false): string[] => {
    const f = l.text.split(',');
    if (f.length !== count) fail(l.no, `${what}: expected ${count} comma-separated fields, found ${f.length}`);
    f.forEach((v, i) => {
      if (v === '' && !(allowEmptyLast && i === count - 1)) fail(l.no, `${what}: field ${i + 1} is empty`);
    });
    return f;
  };
  const uint = (l: Line, v: string, what: string): number => {
    if (!UINT_RE.test(v)) fail(l.no, `${what}: "${v}" is not a non-negative integer`);
    // `+ 0` turns -0 into +0, so no caller ever meets Object.is(x, -0) surprises.
    const n = Number(v) + 0;
    if (!Number.isSafeInteger(n)) fail(l.no, `${what}: "${v}" is too large`);
    return n;
  };
  const id = (l: Line, v: string, what: string): string => {
    if (!isValidId(v)) fail(l.no, `${what}: "${v}" is not a valid id`);
    return v;
  };

  // --- SECTION_HORIZON
  const hz = body('HORIZON');
  if (hz.length !== 1) {
    fail(hz[1]?.no ?? headerLine.get('HORIZON')!, `SECTION_HORIZON must contain exactly one line, found ${hz.length}`);
  }
  const hLine = hz[0]!;
  const horizon = uint(hLine, fields(hLine, 1, 'horizon')[0]!, 'horizon');
  // Weekends (rule 8) are defined as (7w+5, 7w+6) for w < H/7, so a partial week has no meaning here.
  if (horizon === 0 || horizon % 7 !== 0) fail(hLine.no, `horizon ${horizon} is not a positive multiple of 7`);
  const day = (l: Line, v: string, what: string): number => {
    const d = uint(l, v, what);
    if (d >= horizon) fail(l.no, `${what}: day ${d} is outside the horizon 0..${horizon - 1}`);
    return d;
  };

  // --- SECTION_SHIFTS
  const shiftLines = body('SHIFTS');
  if (shiftLines.length === 0) fail(headerLine.get('SHIFTS')!, 'SECTION_SHIFTS has no shift');
  const shiftLineNo = new Map<string, number>();
  const rawShifts = shiftLines.map((l) => {
    const [sid, len, nf] = fields(l, 3, 'shift', true) as [string, string, string];
    id(l, sid, 'shift id');
    if (shiftLineNo.has(sid)) fail(l.no, `duplicate shift id "${sid}" (first on line ${shiftLineNo.get(sid)})`);
    shiftLineNo.set(sid, l.no);
    const notFollow = nf === '' ? [] : nf.split('|');
    notFollow.forEach((n) => id(l, n, `NotFollow of shift "${sid}"`));
    if (new Set(notFollow).size !== notFollow.length) fail(l.no, `NotFollow of shift "${sid}" lists a shift twice`);
    return { l, shift: { id: sid, lengthMinutes: uint(l, len, `length of shift "${sid}"`), notFollow } };
  });
  // NotFollow may name a shift defined further down, so resolve only once the whole section is read.
  for (const { l, shift } of rawShifts) {
    for (const n of shift.notFollow) {
      if (!shiftLineNo.has(n)) fail(l.no, `NotFollow of shift "${shift.id}" names unknown shift "${n}"`);
    }
  }
  const shifts: CqShift[] = rawShifts.map((r) => r.shift);
  const shiftById = new Map(shifts.map((s) => [s.id, s]));
  const shiftRef = (l: Line, v: string, what: string): string => {
    if (!shiftById.has(v)) fail(l.no, `${what}: unknown shift "${v}"`);
    return v;
  };

  // --- SECTION_STAFF
  const staffLines = body('STAFF');
  if (staffLines.length === 0) fail(headerLine.get('STAFF')!, 'SECTION_STAFF has no employee');
  const staffLineNo = new Map<string, number>();
  const staffRows = staffLines.map((l) => {
    const f = fields(l, STAFF_FIELDS.length, 'staff');
    const sid = id(l, f[0]!, 'staff id');
    if (staffLineNo.has(sid)) fail(l.no, `duplicate staff id "${sid}" (first on line ${staffLineNo.get(sid)})`);
    staffLineNo.set(sid, l.no);
    const maxShifts = new Map<string, number>();
    for (const item of f[1]!.split('|')) {
      const eq = item.split('=');
      if (eq.length !== 2) fail(l.no, `MaxShifts of "${sid}": "${item}" is not ShiftID=limit`);
      const [t, v] = eq as [string, string];
      shiftRef(l, t, `MaxShifts of "${sid}"`);
      if (maxShifts.has(t)) fail(l.no, `MaxShifts of "${sid}" lists shift "${t}" twice`);
      maxShifts.set(t, uint(l, v, `MaxShifts of "${sid}" for shift "${t}"`));
    }
    // The spec says every type appears; a missing one would otherwise have to be guessed as 0 or unlimited.
    for (const s of shifts) {
      if (!maxShifts.has(s.id)) fail(l.no, `MaxShifts of "${sid}" has no limit for shift "${s.id}"`);
    }
    const n = (i: number): number => uint(l, f[i]!, `${STAFF_FIELDS[i]} of "${sid}"`);
    return {
      id: sid,
      maxShifts,
      maxTotalMinutes: n(2),
      minTotalMinutes: n(3),
      maxConsecutiveShifts: n(4),
      minConsecutiveShifts: n(5),
      minConsecutiveDaysOff: n(6),
      maxWeekends: n(7),
      daysOff: [] as number[],
    };
  });
  const staffRowById = new Map(staffRows.map((s) => [s.id, s]));
  const staffRef = (l: Line, v: string, what: string): string => {
    if (!staffRowById.has(v)) fail(l.no, `${what}: unknown staff "${v}"`);
    return v;
  };

  // --- SECTION_DAYS_OFF
  const daysOffLineNo = new Map<string, number>();
  for (const l of body('DAYS_OFF')) {
    const f = l.text.split(',');
    if (f.length < 2) fail(l.no, 'days off: expected EmployeeID followed by at least one day');
    f.forEach((v, i) => {
      if (v === '') fail(l.no, `days off: field ${i + 1} is empty`);
    });
    const sid = staffRef(l, f[0]!, 'days off');
    if (daysOffLineNo.has(sid)) fail(l.no, `second days-off line for "${sid}" (first on line ${daysOffLineNo.get(sid)})`);
    daysOffLineNo.set(sid, l.no);
    const days = f.slice(1).map((v) => day(l, v, `days off of "${sid}"`));
    if (new Set(days).size !== days.length) fail(l.no, `days off of "${sid}" lists a day twice`);
    staffRowById.get(sid)!.daysOff.push(...days.sort((a, b) => a - b));
  }

  // --- SECTION_SHIFT_ON_REQUESTS / SECTION_SHIFT_OFF_REQUESTS (same layout)
  const requests = (sec: Section, what: string): CqRequest[] => {
    const seen = new Map<string, number>();
    return body(sec).map((l) => {
      const f = fields(l, 4, what);
      const staff = staffRef(l, f[0]!, what);
      const d = day(l, f[1]!, what);
      const shift = shiftRef(l, f[2]!, what);
      const weight = uint(l, f[3]!, `${what} weight`);
      // Keyed with a separator that ids cannot contain, so the key is unambiguous.
      const key = `${staff},${d},${shift}`;
      if (seen.has(key)) fail(l.no, `duplicate ${what} for ${key} (first on line ${seen.get(key)})`);
      seen.set(key, l.no);
      return { staff, day: d, shift, weight };
    });
  };
  const onRequests = requests('SHIFT_ON_REQUESTS', 'shift-on request');
  const offRequests = requests('SHIFT_OFF_REQUESTS', 'shift-off request');

  // --- SECTION_COVER
  const coverSeen = new Map<string, number>();
  const cover: CqCover[] = body('COVER').map((l) => {
    const f = fields(l, 5, 'cover');
    const d = day(l, f[0]!, 'cover');
    const shift = shiftRef(l, f[1]!, 'cover');
    const key = `${d},${shift}`;
    if (coverSeen.has(key)) fail(l.no, `duplicate cover row for day ${d}, shift "${shift}" (first on line ${coverSeen.get(key)})`);
    coverSeen.set(key, l.no);
    return {
      day: d,
      shift,
      requirement: uint(l, f[2]!, 'cover requirement'),
      weightUnder: uint(l, f[3]!, 'cover weight under'),
      weightOver: uint(l, f[4]!, 'cover weight over'),
    };
  });
  const expectedCover = horizon * shifts.length;
  if (cover.length !== expectedCover) {
    // Name the first gap so the error is actionable; cover rows are unique here, so fewer rows means a gap.
    let gap = '';
    for (let d = 0; d < horizon && gap === ''; d++) {
      for (const s of shifts) {
        if (!coverSeen.has(`${d},${s.id}`)) {
          gap = `day ${d}, shift "${s.id}"`;
          break;
        }
      }
    }
    fail(lastLine, `SECTION_COVER has ${cover.length} rows, expected ${expectedCover} (${horizon} days × ${shifts.length} shifts); first missing: ${gap}`);
  }

  return {
    name,
    horizon,
    shifts,
    staff: staffRows,
    onRequests,
    offRequests,
    cover,
    shiftById,
    staffById: staffRowById,
  };
}

/** Reads and parses a file; the instance name is the file name without `.txt` (e.g. "Instance1"). */
export async function loadInstance(path: string): Promise<CqInstance> {
  const text = await readFile(path, 'latin1');
  // latin1 maps every byte to one char, so a stray non-ASCII byte shows up as an invalid id, not a decode error.
  return parseInstance(text, basename(path).replace(/\.txt$/i, ''));
}
