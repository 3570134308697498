import type { SolveResult } from '@flexroster/core';

/** The short human summary of a solve: status, cost, gap, unmet demand, time. */
export function summarize(r: SolveResult): string {
  const gap = r.gap === undefined ? 'unknown' : `${(r.gap * 100).toFixed(2)} %`;
  return [
    `status:       ${r.status}`,
    `why:          ${r.reason}`,
    `cost:         ${round(r.cost)}${typeof r.lowerBound === 'number' ? ` (lower bound ${round(r.lowerBound)}, gap ${gap})` : ' (no lower bound known)'}`,
    `understaffed: ${round(r.evaluation.understaffedAgentHours)} agent-hours; overstaffed: ${round(r.evaluation.overstaffedAgentHours)} agent-hours`,
    `hard rules:   ${r.evaluation.violations.length === 0 ? 'all kept' : `${r.evaluation.violations.length} broken`}`,
    `shifts:       ${r.roster.assignments.length}`,
    `time:         ${r.stats.totalSeconds.toFixed(2)} s (${r.stats.backend}: ${r.stats.variables} columns, ${r.stats.rows} rows, ${r.stats.candidateShifts} candidate shifts)`,
  ].join('\n');
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
