/**
 * Local time ↔ instants. All zone arithmetic goes through date-fns-tz here, so DST days of 23 and 25
 * hours come out right; nothing else in the core adds offsets by hand.
 */
import { addDays, differenceInCalendarDays, parseISO } from 'date-fns';
import { formatInTimeZone, fromZonedTime } from 'date-fns-tz';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

const zoneCache = new Map<string, boolean>();

/** True when `zone` is an IANA time zone this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  let ok = zoneCache.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: zone });
      ok = zone.length > 0;
    } catch {
      ok = false;
    }
    zoneCache.set(zone, ok);
  }
  return ok;
}

// Calendar-date arithmetic (no zone, no offsets) is on every hot path of expansion, so results are
// memoised; the arithmetic itself is date-fns'.
const dateCache = new Map<string, number>();
function dayNumber(date: string): number {
  let n = dateCache.get(date);
  if (n === undefined) {
    n = differenceInCalendarDays(parseISO(`${date}T12:00:00Z`), parseISO('1970-01-01T12:00:00Z'));
    if (dateCache.size > 100_000) dateCache.clear();
    dateCache.set(date, n);
  }
  return n;
}

/** True for a `YYYY-MM-DD` that exists in the calendar (not 2026-02-30), years 1000–9999. */
export function isRealDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || date < '1000-01-01') return false;
  const d = parseISO(`${date}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}

/** `YYYY-MM-DD` + `days`, as a calendar date (no zone involved). */
export function addDaysToDate(date: string, days: number): string {
  return formatInTimeZone(addDays(parseISO(`${date}T12:00:00Z`), days), 'UTC', 'yyyy-MM-dd');
}

/** Calendar days from `from` to `to` (both `YYYY-MM-DD`). */
export function daysBetweenDates(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** 0 = Monday … 6 = Sunday, for a calendar date. */
export function weekdayOfDate(date: string): number {
  // 1970-01-01 was a Thursday (3).
  return (((dayNumber(date) + 3) % 7) + 7) % 7;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayName = (typeof WEEKDAYS)[number];

export function weekdayIndex(name: WeekdayName): number {
  return WEEKDAYS.indexOf(name);
}

/** `HH:mm` → minutes after midnight (24:00 allowed as 1440). */
export function minutesOfTime(time: string): number {
  // Fixed positions of HH:mm; called in every rule's inner loop.
  return (time.charCodeAt(0) - 48) * 600 + (time.charCodeAt(1) - 48) * 60 + (time.charCodeAt(3) - 48) * 10 + (time.charCodeAt(4) - 48);
}

export function timeOfMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/**
 * The instant of a local wall-clock time in `zone`, or `undefined` when that local time does not exist
 * (skipped by a spring-forward change). On a fall-back day, an ambiguous time gives one of its two instants.
 */
export function instantOfLocal(date: string, minutes: number, zone: string): number | undefined {
  const dayOffset = Math.floor(minutes / 1440);
  const localDate = dayOffset === 0 ? date : addDaysToDate(date, dayOffset);
  const local = `${localDate}T${timeOfMinutes(minutes - dayOffset * 1440)}:00`;
  let zoneMap = instantCache.get(zone);
  if (!zoneMap) instantCache.set(zone, (zoneMap = new Map()));
  const cached = zoneMap.get(local);
  if (cached !== undefined || zoneMap.has(local)) return cached;
  let instant: number | undefined = fromZonedTime(local, zone).getTime();
  // A skipped local time comes back as a different wall-clock time: reject it.
  if (Number.isNaN(instant) || formatInTimeZone(instant, zone, "yyyy-MM-dd'T'HH:mm:ss") !== local) instant = undefined;
  if (zoneMap.size > 500_000) zoneMap.clear();
  zoneMap.set(local, instant);
  return instant;
}

// Scenarios repeat the same local times (leave, windows, day starts) across thousands of agents, and the
// zone conversion is the slow step: results are memoised per zone (bounded, pure).
const instantCache = new Map<string, Map<string, number | undefined>>();

/** The instant at which local `date` begins in `zone` (midnight, or the first valid minute after it). */
export function startOfLocalDay(date: string, zone: string): number {
  for (let m = 0; m < 180; m += 15) {
    const t = instantOfLocal(date, m, zone);
    if (t !== undefined) return t;
  }
  throw new Error(`cannot find the start of ${date} in ${zone}`);
}

export interface LocalParts {
  readonly date: string;
  readonly minutes: number;
  /** 0 = Monday … 6 = Sunday */
  readonly weekday: number;
}

// Candidate shifts of many agents start on the same few hundred instants, and formatting in a zone is
// the slowest step of expansion, so results are memoised (bounded, pure).
const partsCache = new Map<string, Map<number, LocalParts>>();

/** Local calendar date, minutes after local midnight and weekday of an instant in `zone`. */
export function localParts(instant: number, zone: string): LocalParts {
  let zoneCacheMap = partsCache.get(zone);
  if (!zoneCacheMap) partsCache.set(zone, (zoneCacheMap = new Map()));
  let parts = zoneCacheMap.get(instant);
  if (!parts) {
    const s = formatInTimeZone(instant, zone, 'yyyy-MM-dd HH:mm i');
    parts = { date: s.slice(0, 10), minutes: Number(s.slice(11, 13)) * 60 + Number(s.slice(14, 16)), weekday: Number(s.slice(17)) - 1 };
    if (zoneCacheMap.size > 500_000) zoneCacheMap.clear();
    zoneCacheMap.set(instant, parts);
  }
  return parts;
}

/** ISO 8601 with the offset that `zone` has at that instant, e.g. `2026-03-29T09:00:00+01:00`. */
export function isoInZone(instant: number, zone: string): string {
  return formatInTimeZone(instant, zone, "yyyy-MM-dd'T'HH:mm:ssXXX");
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Parses a date-time: with an offset (or `Z`) it is an instant; without one it is a wall-clock time in
 * `zone`. Returns `undefined` for malformed text or a local time that does not exist.
 */
export function parseDateTime(text: string, zone: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  if (m[5]) {
    const t = Date.parse(text);
    return Number.isNaN(t) ? undefined : t;
  }
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (Number(m[2]) > 23 || Number(m[3]) > 59) return undefined;
  const t = instantOfLocal(m[1]!, minutes, zone);
  return t === undefined ? undefined : t + Number(m[4] ?? 0) * 1000;
}
