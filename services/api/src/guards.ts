/**
 * Checks the API adds in front of the core for input the core's validation lets through but then
 * crashes on or never finishes with (see the notes in the service's hand-over). Each issue names its
 * path relative to the scenario, like the core's own validation issues.
 *
 * - `horizon.startDate` that is not a calendar date (2026-02-30) makes the core throw a RangeError, and a
 *   horizon that runs past the year 9999 a plain Error: both would be a 500 for bad input.
 * - `shiftDemand[].date` and personal-rule dates are compared as strings only, so 2026-02-30 passes and
 *   silently changes the problem (a hard "on" request on it makes every solve infeasible).
 * - A forecast whose traffic is absurdly large keeps Erlang C iterating forever on the request thread.
 */
import type { InputIssue, Scenario } from '@flexroster/core';

/** More agents busy at once on one skill than any contact centre has; Erlang C stays in milliseconds below it. */
export const MAX_FORECAST_ERLANGS = 10_000;
const LAST_YEAR = 9998;

function isCalendarDate(date: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** Issues for a scenario that already matches the schema. */
export function scenarioGuardIssues(scenario: Scenario): InputIssue[] {
  const issues: InputIssue[] = [];
  const { startDate, days, intervalMinutes } = scenario.horizon;
  if (!isCalendarDate(startDate)) issues.push({ path: '/horizon/startDate', message: `not a calendar date: ${startDate}` });
  else {
    const end = new Date(`${startDate}T00:00:00Z`);
    end.setUTCDate(end.getUTCDate() + days);
    if (end.getUTCFullYear() > LAST_YEAR) issues.push({ path: '/horizon/startDate', message: `the horizon must end before the year ${LAST_YEAR + 1}` });
  }
  scenario.shiftDemand?.forEach((row, i) => {
    if (!isCalendarDate(row.date)) issues.push({ path: `/shiftDemand/${i}/date`, message: `not a calendar date: ${row.date}` });
  });
  scenario.agents.forEach((agent, i) =>
    agent.rules?.forEach((rule, j) => {
      if (rule.kind === 'shift-request' && !isCalendarDate(rule.date)) issues.push({ path: `/agents/${i}/rules/${j}/date`, message: `not a calendar date: ${rule.date}` });
    }),
  );
  scenario.demand?.forEach((row, i) => {
    const f = row.forecast;
    if (!f) return;
    const seconds = intervalMinutes * 60;
    const j = f.contacts.findIndex((contacts) => (contacts * f.ahtSeconds) / seconds > MAX_FORECAST_ERLANGS);
    if (j >= 0)
      issues.push({
        path: `/demand/${i}/forecast/contacts/${j}`,
        message: `${f.contacts[j]} contacts of ${f.ahtSeconds} s in ${intervalMinutes} minutes is more than ${MAX_FORECAST_ERLANGS} agents busy at once`,
      });
  });
  return issues;
}
