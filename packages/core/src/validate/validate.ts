/**
 * validate: the schema first (every error, with its JSON path), then the domain checks a schema cannot
 * express (references, time zones, times that do not exist, bounds that contradict each other). Valid
 * but inconsistent input (nobody has a needed skill, leave larger than the hours) gives named warnings.
 */
import { Compile } from 'typebox/compile';
import { Scenario } from '../schema/scenario.js';
import { MAX_TRAFFIC_ERLANGS } from '../demand/erlang.js';
import type { Scenario as ScenarioValue } from '../schema/scenario.js';
import { ScenarioValidationError, type InputIssue } from '../schema/errors.js';
import { addDaysToDate, daysBetweenDates, isRealDate, isValidTimeZone, minutesOfTime, parseDateTime, startOfLocalDay } from '../time/zone.js';
import { paidHoursPerLeaveDay, paidLeaveMinutes } from '../expand/paid-leave.js';
import { historyIssues } from './history.js';
import { activityIssues, skillDefinitionIssues, teamIssues } from './activities.js';
import { skillIds } from '../expand/skills.js';

export interface ValidationWarning {
  /** A stable name, e.g. `skill-without-agents`. */
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

export interface ValidationReport {
  readonly valid: boolean;
  readonly errors: InputIssue[];
  readonly warnings: ValidationWarning[];
}

const scenarioValidator = Compile(Scenario);

/** One schema error as TypeBox reports it (`schemaPath` lets a union's errors be told apart by variant). */
export interface SchemaError {
  readonly instancePath: string;
  readonly message: string;
  readonly keyword: string;
  readonly params: unknown;
  readonly schemaPath?: string;
}

const KIND_VARIANT = /^(.*)\/anyOf\/(\d+)\/properties\/kind$/;
const VARIANT_ROOT = /^(.*)\/anyOf\/(\d+)$/;

/** What the errors' union variants need to be told apart by the value's `kind` (TypeBox reports no `kind` mismatch in a variant that misses a required field). */
export interface UnionContext {
  readonly schema: unknown;
  readonly value: unknown;
}

/**
 * A union of objects told apart by `kind` (swap kinds, personal rules, activities) is judged as the variant
 * its `kind` names: the errors of the variants whose `kind` constant did not match are dropped, and a `kind`
 * that names no variant is one error listing the kinds there are. Likewise a variant of another type than
 * the value (a skill given as an object, not a string) is dropped.
 */
function byKind(errors: readonly SchemaError[], context?: UnionContext): SchemaError[] {
  // Per value judged (instance path) and union (schema path): each item of an array is its own case.
  const rejected: { at: string; variant: string }[] = [];
  const unions = new Map<string, { path: string; kinds: string[] }>();
  for (const e of errors) {
    if (e.keyword === 'type' && VARIANT_ROOT.test(e.schemaPath ?? '')) rejected.push({ at: e.instancePath, variant: e.schemaPath! });
    const m = e.keyword === 'const' && e.instancePath.endsWith('/kind') ? KIND_VARIANT.exec(e.schemaPath ?? '') : null;
    if (!m) continue;
    const at = e.instancePath.slice(0, -'/kind'.length);
    rejected.push({ at, variant: `${m[1]}/anyOf/${m[2]}` });
    const key = `${at}|${m[1]}`;
    const union = unions.get(key) ?? { path: e.instancePath, kinds: [] };
    union.kinds.push(String((e.params as { allowedValue?: unknown }).allowedValue));
    unions.set(key, union);
  }
  if (context) for (const [key, union] of unions) rejected.push(...otherKinds(key.slice(key.indexOf('|') + 1), union.path, context));
  if (rejected.length === 0) return [...errors];
  const under = (path: string | undefined, prefix: string) => path !== undefined && (path === prefix || path.startsWith(`${prefix}/`));
  const kept = errors.filter((e) => !rejected.some((r) => under(e.instancePath, r.at) && under(e.schemaPath, r.variant)));
  const out: SchemaError[] = [];
  for (const e of kept) {
    if (e.keyword !== 'anyOf') {
      out.push(e);
      continue;
    }
    // The variant meant has its own errors: they say what is wrong.
    if (kept.some((k) => under(k.instancePath, e.instancePath) && under(k.schemaPath, `${e.schemaPath}/anyOf`))) continue;
    const union = unions.get(`${e.instancePath}|${e.schemaPath}`);
    // With no variant's errors left, the kind itself is wrong.
    out.push(union ? { instancePath: union.path, keyword: 'kind', params: {}, message: `must be one of: ${[...new Set(union.kinds)].join(', ')}` } : e);
  }
  return out;
}

/** The variants of the union at schema path `u` whose `kind` constant is not the value's (read at `kindPath`). */
function otherKinds(u: string, kindPath: string, context: UnionContext): { at: string; variant: string }[] {
  const get = (root: unknown, pointer: string) => pointer.split('/').slice(1).reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), root);
  const kind = get(context.value, kindPath);
  const variants = get(context.schema, `${u.replace(/^#/, '')}/anyOf`);
  if (!Array.isArray(variants)) return [];
  const at = kindPath.slice(0, -'/kind'.length);
  return variants.flatMap((v, i) => {
    const constant = (v as { properties?: { kind?: { const?: unknown } } }).properties?.kind?.const;
    return constant !== undefined && constant !== kind ? [{ at, variant: `${u}/anyOf/${i}` }] : [];
  });
}

/** Schema errors of any value against a compiled TypeBox validator, deduplicated, most specific first. */
export function schemaIssues(errors: Iterable<SchemaError>, context?: UnionContext): InputIssue[] {
  const out: InputIssue[] = [];
  const seen = new Set<string>();
  for (const e of byKind([...errors], context)) {
    // `additionalProperties: false` is reported twice (once as "schema is false"); keep the readable one.
    if (e.keyword === 'boolean') continue;
    let message = e.message;
    if (e.keyword === 'additionalProperties') message = `unknown field(s): ${((e.params as { additionalProperties?: string[] }).additionalProperties ?? []).join(', ')}`;
    if (e.keyword === 'required') message = `missing required field(s): ${((e.params as { requiredProperties?: string[] }).requiredProperties ?? []).join(', ')}`;
    const key = `${e.instancePath}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: e.instancePath, message });
  }
  return out;
}

export function validateScenario(input: unknown): ValidationReport {
  if (!scenarioValidator.Check(input)) {
    return { valid: false, errors: schemaIssues(scenarioValidator.Errors(input), { schema: Scenario, value: input }), warnings: [] };
  }
  const s = input as ScenarioValue;
  const errors: InputIssue[] = [];
  const warnings: ValidationWarning[] = [];
  const err = (path: string, message: string) => errors.push({ path, message });
  const warn = (code: string, path: string, message: string) => warnings.push({ code, path, message });

  const h = s.horizon;
  if (![15, 30, 60].includes(h.intervalMinutes)) err('/horizon/intervalMinutes', `must be 15, 30 or 60 (a grid that divides 24 h), got ${h.intervalMinutes}`);
  const zoneOk = isValidTimeZone(h.timeZone);
  if (!zoneOk) err('/horizon/timeZone', `unknown IANA time zone ${JSON.stringify(h.timeZone)}`);
  if (!isRealDate(h.startDate)) err('/horizon/startDate', `not a real date: ${h.startDate}`);
  else if (!isRealDate(addDaysToDate(h.startDate, h.days))) err('/horizon/days', 'the horizon runs past the year 9999');
  if (errors.length > 0) return { valid: false, errors, warnings };

  const dupes = (list: readonly ({ id: string } | string)[], path: string, what: string) => {
    const seen = new Set<string>();
    list.forEach((x, i) => {
      const id = typeof x === 'string' ? x : x.id;
      if (seen.has(id)) err(`${path}/${i}${typeof x === 'string' ? '' : '/id'}`, `duplicate ${what} ${id}`);
      seen.add(id);
    });
  };
  dupes(s.skills, '/skills', 'skill');
  dupes(s.shiftTemplates, '/shiftTemplates', 'template');
  dupes(s.contracts, '/contracts', 'contract');
  dupes(s.agents, '/agents', 'agent');
  const skills = new Set(skillIds(s));
  const templates = new Set(s.shiftTemplates.map((t) => t.id));
  const contracts = new Map(s.contracts.map((c) => [c.id, c]));
  const lastDate = addDaysToDate(h.startDate, h.days - 1);
  const inHorizon = (date: string) => date >= h.startDate && date <= lastDate;

  s.shiftTemplates.forEach((t, i) => {
    const p = `/shiftTemplates/${i}`;
    t.skills?.forEach((k, j) => skills.has(k) || err(`${p}/skills/${j}`, `unknown skill ${k}`));
    t.notFollowedBy?.forEach((k, j) => templates.has(k) || err(`${p}/notFollowedBy/${j}`, `unknown template ${k}`));
    const step = t.startStepMinutes ?? h.intervalMinutes;
    const span = (minutesOfTime(t.latestStart) - minutesOfTime(t.earliestStart) + 1440) % 1440;
    if (span % step !== 0) warn('start-window-step', `${p}/latestStart`, `latestStart is not reachable from earliestStart in steps of ${step} min; the last start is earlier`);
    breakRuleIssues(t, p).forEach((e) => errors.push(e));
  });
  s.contracts.forEach((c, i) => {
    const p = `/contracts/${i}`;
    for (const key of ['hoursPerWeek', 'hoursPerHorizon'] as const) {
      const b = c[key];
      if (b?.min !== undefined && b.max !== undefined && b.min > b.max) err(`${p}/${key}/min`, `min (${b.min} h) is above max (${b.max} h)`);
    }
    if (c.hoursPerWeek?.max !== undefined && c.hoursPerWeek.max > 168) err(`${p}/hoursPerWeek/max`, 'a week has 168 hours');
    if (c.overtime && c.hoursPerWeek?.max === undefined) err(`${p}/overtime`, 'an overtime band lies above hoursPerWeek.max, which this contract does not set');
    if (c.overtime && c.hoursPerWeek?.max !== undefined && c.hoursPerWeek.max + c.overtime.maxHoursPerWeek > 168)
      err(`${p}/overtime/maxHoursPerWeek`, `hoursPerWeek.max plus the band (${c.hoursPerWeek.max + c.overtime.maxHoursPerWeek} h) exceeds the 168 hours of a week`);
    if (c.minConsecutiveDays !== undefined && c.maxConsecutiveDays !== undefined && c.minConsecutiveDays > c.maxConsecutiveDays)
      err(`${p}/minConsecutiveDays`, `min (${c.minConsecutiveDays}) is above maxConsecutiveDays (${c.maxConsecutiveDays})`);
    c.templates?.forEach((k, j) => templates.has(k) || err(`${p}/templates/${j}`, `unknown template ${k}`));
    Object.keys(c.maxShiftsPerTemplate ?? {}).forEach((k) => templates.has(k) || err(`${p}/maxShiftsPerTemplate/${k}`, `unknown template ${k}`));
  });

  // The horizon's weeks as day-start instants in a zone, computed once per zone (agents share a handful of zones).
  const weeksByZone = new Map<string, number[][]>();
  const weekBounds = (zone: string): number[][] => {
    let weeks = weeksByZone.get(zone);
    if (!weeks) {
      weeks = [];
      for (let w = 0; w * 7 < h.days; w++) {
        const n = Math.min(7, h.days - w * 7);
        weeks.push(Array.from({ length: n + 1 }, (_, d) => startOfLocalDay(addDaysToDate(h.startDate, w * 7 + d), zone)));
      }
      weeksByZone.set(zone, weeks);
    }
    return weeks;
  };
  const skillHolders = new Map<string, number>();
  s.agents.forEach((a, i) => {
    const p = `/agents/${i}`;
    const zone = a.timeZone ?? h.timeZone;
    if (a.timeZone !== undefined && !isValidTimeZone(a.timeZone)) err(`${p}/timeZone`, `unknown IANA time zone ${JSON.stringify(a.timeZone)}`);
    a.skills.forEach((k, j) => {
      if (!skills.has(k)) err(`${p}/skills/${j}`, `unknown skill ${k}`);
      skillHolders.set(k, (skillHolders.get(k) ?? 0) + 1);
    });
    const contract = contracts.get(a.contract);
    if (!contract) err(`${p}/contract`, `unknown contract ${a.contract}`);
    const zoneValid = a.timeZone === undefined || isValidTimeZone(a.timeZone);
    // Each leave is parsed once; the paid spans feed the weekly check below.
    const paidSpans: [number, number][] = [];
    a.leave?.forEach((l, j) => {
      if (!zoneValid) return;
      const start = parseDateTime(l.start, zone);
      const end = parseDateTime(l.end, zone);
      if (start === undefined) err(`${p}/leave/${j}/start`, `not a valid time in ${zone}: ${l.start}`);
      if (end === undefined) err(`${p}/leave/${j}/end`, `not a valid time in ${zone}: ${l.end}`);
      if (start !== undefined && end !== undefined && end <= start) err(`${p}/leave/${j}/end`, `leave ends (${l.end}) before or when it starts (${l.start})`);
      if (start !== undefined && end !== undefined && end > start && l.paid !== false) paidSpans.push([start, end]);
    });
    const maxHours = contract?.hoursPerWeek?.max;
    if (maxHours !== undefined && paidSpans.length > 0) {
      // Paid leave counts as paid hours (paid-leave.ts): more of it in a week than the weekly maximum cannot be rostered.
      const perLeaveDay = paidHoursPerLeaveDay(contract!) * 60;
      weekBounds(zone).forEach((dayStarts, w) => {
        const hours = paidLeaveMinutes(paidSpans, dayStarts, perLeaveDay) / 60;
        const scale = Math.min(7, h.days - w * 7) / 7;
        if (hours > maxHours * scale + 1e-9) warn('leave-exceeds-max-hours', `${p}/leave`, `week ${w + 1}: ${hours} h of paid leave exceeds the contract maximum of ${maxHours * scale} h`);
      });
    }
    a.rules?.forEach((r, j) => {
      const rp = `${p}/rules/${j}`;
      if (r.kind === 'free-window' && minutesOfTime(r.to) <= minutesOfTime(r.from)) err(`${rp}/to`, `window ends (${r.to}) before or when it starts (${r.from})`);
      if (r.kind === 'shift-request') {
        if (!isRealDate(r.date)) err(`${rp}/date`, `not a real date: ${r.date}`);
        else if (!inHorizon(r.date)) warn('request-outside-horizon', `${rp}/date`, `${r.date} is outside the horizon; the request is ignored`);
        if (r.template !== undefined && !templates.has(r.template)) err(`${rp}/template`, `unknown template ${r.template}`);
      }
      if (r.hard !== true && r.weight === undefined) void 0; // soft rules default to weight 1
    });
    if (a.microShifts && !s.shiftTemplates.some((t) => t.micro)) warn('no-micro-templates', `${p}/microShifts`, 'opted in to micro-shifts, but no template is a micro-shift');
  });

  const gridStart = startOfLocalDay(h.startDate, h.timeZone);
  const gridEnd = startOfLocalDay(addDaysToDate(h.startDate, h.days), h.timeZone);
  const intervalMs = h.intervalMinutes * 60_000;
  s.demand?.forEach((d, i) => {
    const p = `/demand/${i}`;
    if (!skills.has(d.skill)) err(`${p}/skill`, `unknown skill ${d.skill}`);
    else if (!skillHolders.has(d.skill)) warn('skill-without-agents', `${p}/skill`, `no agent has skill ${d.skill}; this demand cannot be covered`);
    if ((d.required === undefined) === (d.forecast === undefined)) err(p, 'give exactly one of required or forecast');
    d.forecast?.contacts.forEach((c, j) => {
      const traffic = (c * d.forecast!.ahtSeconds) / (h.intervalMinutes * 60);
      if (traffic > MAX_TRAFFIC_ERLANGS) err(`${p}/forecast/contacts/${j}`, `${c} contacts make ${Math.round(traffic)} Erlangs; at most ${MAX_TRAFFIC_ERLANGS} are supported`);
    });
    const start = parseDateTime(d.start, h.timeZone);
    if (start === undefined) {
      err(`${p}/start`, `not a valid time in ${h.timeZone}: ${d.start}`);
      return;
    }
    if ((start - gridStart) % intervalMs !== 0) err(`${p}/start`, `${d.start} is not on the ${h.intervalMinutes}-minute grid`);
    const n = d.required?.length ?? d.forecast?.contacts.length ?? 0;
    if (start < gridStart || start + n * intervalMs > gridEnd) warn('demand-outside-horizon', p, 'part of this demand lies outside the horizon and is ignored');
  });
  const seenRows = new Set<string>();
  s.shiftDemand?.forEach((r, i) => {
    const p = `/shiftDemand/${i}`;
    if (!templates.has(r.template)) err(`${p}/template`, `unknown template ${r.template}`);
    if (!isRealDate(r.date)) err(`${p}/date`, `not a real date: ${r.date}`);
    else if (!inHorizon(r.date)) err(`${p}/date`, `${r.date} is outside the horizon ${h.startDate} … ${lastDate}`);
    const key = `${r.date}|${r.template}`;
    if (seenRows.has(key)) err(p, `duplicate demand for ${r.template} on ${r.date}`);
    seenRows.add(key);
  });
  errors.push(...historyIssues(s), ...skillDefinitionIssues(s), ...teamIssues(s), ...activityIssues(s));
  void daysBetweenDates;
  return { valid: errors.length === 0, errors, warnings };
}

/** A break window must be ordered and fit every shift length it applies to (latest start + length within the shift). */
function breakRuleIssues(t: ScenarioValue['shiftTemplates'][number], path: string): InputIssue[] {
  const out: InputIssue[] = [];
  t.breaks?.forEach((b, j) => {
    const bp = `${path}/breaks/${j}`;
    if (b.earliestAfterStartMinutes > b.latestAfterStartMinutes)
      out.push({ path: `${bp}/earliestAfterStartMinutes`, message: `the window opens (${b.earliestAfterStartMinutes} min) after it closes (${b.latestAfterStartMinutes} min)` });
    const lengths = t.lengthsMinutes.filter((l) => l >= (b.minShiftMinutes ?? 0));
    if (lengths.length === 0) out.push({ path: `${bp}/minShiftMinutes`, message: `no length of template ${t.id} is at least ${b.minShiftMinutes} min, so this ${b.kind} applies to no shift` });
    const short = lengths.filter((l) => b.latestAfterStartMinutes + b.minutes > l);
    if (short.length > 0)
      out.push({
        path: `${bp}/latestAfterStartMinutes`,
        message: `a ${b.minutes}-min ${b.kind} starting ${b.latestAfterStartMinutes} min after the start ends after a shift of ${short.join(', ')} min it applies to`,
      });
  });
  return out;
}

/** Validates and returns the typed scenario, or throws `ScenarioValidationError` naming every problem. */
export function parseScenario(input: unknown): ScenarioValue {
  const report = validateScenario(input);
  if (!report.valid) throw new ScenarioValidationError(report.errors);
  return input as ScenarioValue;
}
