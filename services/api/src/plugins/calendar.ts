/**
 * An agent's shifts as an iCalendar feed (RFC 5545). Times are written in UTC (`…Z`), which every
 * calendar converts into the phone's zone, so shifts either side of a DST change come out right; the
 * local wall-clock time in the agent's zone is in the description, with one line per break, lunch and
 * activity of the shift (and work on another skill), e.g. `Break 10:30–10:45`. Lines are CRLF and folded
 * at 75 octets.
 */
import { time } from '@flexroster/core';

/** A located segment of a shift; `kind` as the roster gives it (work, break, lunch, activity). */
export interface CalendarSegment {
  readonly start: string;
  readonly end: string;
  readonly kind: string;
  readonly skill?: string;
  readonly activityId?: string;
  readonly startUtc: number;
  readonly endUtc: number;
}

export interface CalendarShift {
  readonly startUtc: number;
  readonly endUtc: number;
  readonly start: string;
  readonly end: string;
  readonly skill: string;
  readonly template?: string | undefined;
  /** Absent: the shift is one work segment on `skill`. */
  readonly segments?: readonly CalendarSegment[];
}

const escapeText = (s: string) => s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');

export const icsUtc = (instant: number) => new Date(instant).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

function fold(line: string): string {
  const out: string[] = [];
  let rest = Buffer.from(line, 'utf8');
  let limit = 75;
  while (rest.length > limit) {
    let cut = limit;
    // Do not split a UTF-8 sequence.
    while (cut > 0 && (rest[cut]! & 0xc0) === 0x80) cut--;
    out.push(rest.subarray(0, cut).toString('utf8'));
    rest = rest.subarray(cut);
    limit = 74;
  }
  out.push(rest.toString('utf8'));
  return out.join('\r\n ');
}

const hhmm = (instant: number, zone: string) => time.timeOfMinutes(time.localParts(instant, zone).minutes);

/**
 * The description's lines for a shift's segments: every segment off the phones, and work on a skill other
 * than the shift's (work on the shift's own skill is the rest of the shift, not listed).
 */
export function segmentLines(s: CalendarShift, zone: string): string[] {
  return (s.segments ?? [])
    .filter((g) => g.kind !== 'work' || (g.skill !== undefined && g.skill !== s.skill))
    .map((g) => {
      const what = g.kind === 'work' ? `Work (${g.skill})` : `${g.kind.charAt(0).toUpperCase()}${g.kind.slice(1)}${g.activityId ? ` ${g.activityId}` : ''}`;
      return `${what} ${hhmm(g.startUtc, zone)}–${hhmm(g.endUtc, zone)}`;
    });
}

export function buildCalendar(opts: { scheduleId: string; version: number; agentId: string; zone: string; shifts: readonly CalendarShift[]; now?: number; host?: string }): string {
  const stamp = icsUtc(opts.now ?? Date.now());
  const host = opts.host ?? 'flexroster';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//flexroster//schedule feed//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(`Shifts of ${opts.agentId}`)}`,
    `X-WR-TIMEZONE:${opts.zone}`,
  ];
  for (const s of opts.shifts) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(`${opts.scheduleId}-${opts.agentId}-${icsUtc(s.startUtc)}@${host}`)}`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${icsUtc(s.startUtc)}`,
      `DTEND:${icsUtc(s.endUtc)}`,
      `SUMMARY:${escapeText(`Shift (${s.skill})`)}`,
      `DESCRIPTION:${escapeText([`${time.isoInZone(s.startUtc, opts.zone)} to ${time.isoInZone(s.endUtc, opts.zone)} (${opts.zone})${s.template ? `, template ${s.template}` : ''}, schedule version ${opts.version}`, ...segmentLines(s, opts.zone)].join('\n'))}`,
      `SEQUENCE:${opts.version}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}
