/** The re-plan benchmark's records and their markdown: one table row per size, seed, event and method, then the targets. */
import os from 'node:os';
import type { ChangeCost, EventRun, Measured } from './measure.js';

export interface SizeRun {
  readonly size: string;
  readonly agents: number;
  readonly days: number;
  readonly seed: number;
  readonly publish: { status: string; seconds: number; timeLimitSeconds: number; cost: number; hardViolations: number };
  readonly replanLimitSeconds: number;
  readonly events: readonly EventRun[];
}

export interface ReplanReport {
  readonly date: string;
  readonly machine: string;
  readonly commit: string;
  readonly command: string;
  readonly changeCost: ChangeCost;
  readonly runs: readonly SizeRun[];
}

/** Targets of issue 19: a re-plan within 5 s on M; at most 5 % of the agents touched by the absence's re-plan. */
export const TARGETS = { replanSecondsM: 5, absenceTouchedPct: 5 } as const;

export function machine(): string {
  const cpus = os.cpus();
  // The load average shows a machine shared with other work, which stretches the wall times.
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}, ${os.platform()} ${os.release()}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at the end`;
}

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');

function row(r: SizeRun, e: EventRun, m: Measured): string {
  return `| ${r.size} | ${r.seed} | ${e.event.kind} | ${m.method} | ${m.status} | ${m.changedShifts} (${m.moved} moved, ${m.addedOrRemoved} ±) | ${m.agentsTouched} (${f(m.agentsTouchedPct)} %) | ${m.changesBeforeFrozen} | ${f(m.cost)} | ${f(m.changePrice)} | ${f(m.understaffedAgentHours)} | ${m.hardViolations} | ${m.method === 'published' ? '–' : f(m.seconds)} |`;
}

/** Each target met or missed (by how much), per size, seed and event it applies to. */
export function targetLines(runs: readonly SizeRun[]): string[] {
  const lines: string[] = [];
  for (const r of runs)
    for (const e of r.events) {
      const re = e.results.find((m) => m.method === 'replan');
      if (!re) continue;
      if (r.size === 'M') {
        const over = re.seconds - TARGETS.replanSecondsM;
        lines.push(`- M seed ${r.seed}, ${e.event.kind}: re-plan in ${f(re.seconds)} s, target ≤ ${TARGETS.replanSecondsM} s: ${over <= 0 ? 'met' : `missed by ${f(over)} s`}`);
      }
      if (e.event.kind === 'absence') {
        const over = re.agentsTouchedPct - TARGETS.absenceTouchedPct;
        lines.push(`- ${r.size} seed ${r.seed}, absence: ${re.agentsTouched} of ${r.agents} agents touched (${f(re.agentsTouchedPct)} %), target ≤ ${TARGETS.absenceTouchedPct} %: ${over <= 0 ? 'met' : `missed by ${f(over)} points`}`);
      }
      if (re.hardViolations > 0 || re.changesBeforeFrozen > 0) lines.push(`- ${r.size} seed ${r.seed}, ${e.event.kind}: the re-plan has ${re.hardViolations} hard violations and ${re.changesBeforeFrozen} changes before frozenBefore (both must be 0)`);
    }
  return lines;
}

export function markdown(rep: ReplanReport): string {
  const events = rep.runs.flatMap((r) =>
    [`- ${r.size} (${r.agents} agents × ${r.days} days) seed ${r.seed}: published by a ${r.publish.timeLimitSeconds} s solve (${r.publish.status}, cost ${f(r.publish.cost)}, ${r.publish.hardViolations} hard violations, ${f(r.publish.seconds)} s); re-plan and scratch limit ${r.replanLimitSeconds} s`].concat(
      r.events.map((e) => `  - ${e.event.kind}: ${e.event.description}; frozenBefore ${e.event.frozenBefore}`),
    ),
  );
  const c = rep.changeCost;
  return [
    `## ${rep.date}`,
    '',
    `Machine: ${rep.machine}  `,
    `Commit: ${rep.commit}  `,
    `Command: \`${rep.command}\`  `,
    `Change cost of the re-plan: perShiftMoved ${c.perShiftMoved}, perShiftAddedOrRemoved ${c.perShiftAddedOrRemoved}, perAgentTouched ${c.perAgentTouched}`,
    '',
    ...events,
    '',
    'Per event: `published` is the published roster left as it is on the changed scenario, `replan` the minimal-change solve (base = published, frozenBefore as above), `scratch` a solve of the changed scenario from nothing with the same limit. Changes are counted against the published roster by `rosterChanges`; cost is the evaluator\'s total without the stability price, which is shown beside it (what those changes cost at the prices above).',
    '',
    '| size | seed | event | method | status | changed shifts | agents touched | changes before frozenBefore | cost (without change price) | change price | under-staffed agent-h | hard violations | wall s |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rep.runs.flatMap((r) => r.events.flatMap((e) => e.results.map((m) => row(r, e, m)))),
    '',
    'Targets (issue 19):',
    '',
    ...targetLines(rep.runs),
    '',
  ].join('\n');
}
