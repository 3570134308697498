/**
 * Checks `scenario.history`: a start date before the horizon, and shifts of known agents that lie between
 * that date and the horizon's first day in the agent's zone (history that overlaps the horizon is refused).
 */
import type { Scenario } from '../schema/scenario.js';
import type { InputIssue } from '../schema/errors.js';
import { skillIds } from '../expand/skills.js';
import { daysBetweenDates, isRealDate, isValidTimeZone, parseDateTime, startOfLocalDay } from '../time/zone.js';

/** The longest history read: no rule looks further back than a few weeks. */
export const MAX_HISTORY_DAYS = 62;

export function historyIssues(s: Scenario): InputIssue[] {
  const hist = s.history;
  if (!hist) return [];
  const out: InputIssue[] = [];
  const h = s.horizon;
  if (!isRealDate(hist.startDate)) return [{ path: '/history/startDate', message: `not a real date: ${hist.startDate}` }];
  const days = daysBetweenDates(hist.startDate, h.startDate);
  if (days < 1) out.push({ path: '/history/startDate', message: `history must start before the horizon (${h.startDate})` });
  if (days > MAX_HISTORY_DAYS) out.push({ path: '/history/startDate', message: `at most ${MAX_HISTORY_DAYS} days of history are read` });
  const agents = new Map(s.agents.map((a) => [a.id, a]));
  const skills = new Set(skillIds(s));
  const templates = new Set(s.shiftTemplates.map((t) => t.id));
  hist.assignments.forEach((x, i) => {
    const p = `/history/assignments/${i}`;
    const agent = agents.get(x.agentId);
    if (!agent) return void out.push({ path: `${p}/agentId`, message: `unknown agent ${x.agentId}` });
    if (x.skill !== undefined && !skills.has(x.skill)) out.push({ path: `${p}/skill`, message: `unknown skill ${x.skill}` });
    if (x.template !== undefined && !templates.has(x.template)) out.push({ path: `${p}/template`, message: `unknown template ${x.template}` });
    const zone = agent.timeZone ?? h.timeZone;
    if (!isValidTimeZone(zone)) return; // reported with the agent
    const start = parseDateTime(x.start, zone);
    const end = parseDateTime(x.end, zone);
    if (start === undefined) out.push({ path: `${p}/start`, message: `not a valid time in ${zone}: ${x.start}` });
    if (end === undefined) out.push({ path: `${p}/end`, message: `not a valid time in ${zone}: ${x.end}` });
    if (start === undefined || end === undefined) return;
    if (end <= start) out.push({ path: `${p}/end`, message: `ends (${x.end}) before or when it starts (${x.start})` });
    else if (start < startOfLocalDay(hist.startDate, zone)) out.push({ path: `${p}/start`, message: `starts before the history’s start date ${hist.startDate}` });
    else if (end > startOfLocalDay(h.startDate, zone)) out.push({ path: `${p}/end`, message: `overlaps the horizon, which starts ${h.startDate} 00:00 in ${zone}` });
  });
  return out;
}
