/** The intraday benchmark's markdown: one row per size and variant, then each target with its verdict. */
import os from 'node:os';
import type { SizeResult, Variant } from './measure.js';

/** Issue 18's targets: (a) at least 30 % less under-staffing than (b) at M and L; the second stage adds at most 20 % to the solve. */
export const TARGETS = { lessUnderPct: 30, stageAddsPct: 20 } as const;

export interface IntradayReport {
  readonly date: string;
  readonly commit: string;
  readonly command: string;
  readonly sizes: readonly SizeResult[];
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}, ${os.platform()} ${os.release()}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at the end`;
}

const f = (x: number, d = 1) => x.toFixed(d);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** Under-staffing of a below that of b, as a percentage of b's (positive: a has less). */
export function lessUnderPct(a: Variant, b: Variant): number {
  return b.underHours > 0 ? ((b.underHours - a.underHours) / b.underHours) * 100 : 0;
}

/** What the second stage adds to the solve: its time over the rest of the solve's. */
export function stageAddsPct(a: Variant): number {
  const rest = a.solveSeconds - a.stageSeconds;
  return rest > 0 ? (a.stageSeconds / rest) * 100 : Infinity;
}

function row(s: SizeResult, v: Variant): string {
  const rules = v.violatedRules.length ? ` (${v.violatedRules.join(', ')})` : '';
  return `| ${s.size} | ${v.method} | ${f(v.underHours)} | ${f(v.overHours)} | ${pct(v.meanServiceLevel)} | ${pct(v.belowTargetShare)} | ${v.hardViolations}${rules} | ${f(v.cost, 0)} | ${v.solveSeconds ? f(v.solveSeconds) : '–'} | ${f(v.stageSeconds, 3)} |`;
}

/** How (a)'s breaks were placed, from its solve's stats: "breaks by MIP on 5 of 7 days, largest gap 0.0 %". */
function stageMethod(s: SizeResult): string {
  const st = s.secondStage;
  if (!st) return 'no second-stage stats';
  return `breaks ${st.method === 'greedy' ? 'by the greedy' : `by MIP on ${st.daysByMip} of ${st.days} days`}, largest MIP gap ${st.gap === null ? '–' : pct(st.gap)}`;
}

function verdicts(sizes: readonly SizeResult[]): string[] {
  const out: string[] = [];
  for (const s of sizes) {
    const [a, b, c, d] = s.variants;
    const targeted = s.size === 'M' || s.size === 'L';
    const less = lessUnderPct(a!, b!);
    const adds = stageAddsPct(a!);
    const hard = s.variants.map((v) => v.hardViolations).reduce((x, y) => x + y, 0);
    const mark = (ok: boolean) => (targeted ? (ok ? 'met' : '**not met**') : 'not a target size');
    out.push(`- ${s.size}: (a) has ${f(less)} % less under-staffing than (b) (target ≥ ${TARGETS.lessUnderPct} %: ${mark(less >= TARGETS.lessUnderPct)}); ` +
      `the second stage took ${f(a!.stageSeconds, 3)} s of a ${f(a!.solveSeconds)} s solve, adding ${f(adds)} % (target ≤ ${TARGETS.stageAddsPct} %: ${mark(adds <= TARGETS.stageAddsPct)}; ${stageMethod(s)}); ` +
      `hard violations ${s.variants.map((v) => v.hardViolations).join(' / ')} for a / b / c / d (${hard === 0 ? 'none' : '**some**'}); ` +
      `on (c)'s shifts the greedy placement has ${f(lessUnderPct(c!, d!))} % less under-staffing than fixed offsets (d).`);
  }
  return out;
}

export function markdown(r: IntradayReport): string {
  const sizes = r.sizes.map((s) => `${s.size} (${s.agents} agents × ${s.days} days, ${s.shifts} shifts, ${s.timeLimitSeconds} s limit, status a / c: ${s.solveStatus})`).join('; ');
  return [
    `## ${r.date}`,
    '',
    `Machine: ${machine()}. Commit ${r.commit}. Command: \`${r.command}\`. Sizes: ${sizes}.`,
    '',
    '| size | variant | under (agent-h) | over (agent-h) | mean SL | intervals below SL target | hard violations | cost | solve s | inside-shift placement s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.sizes.flatMap((s) => s.variants.map((v) => row(s, v))),
    '',
    ...verdicts(r.sizes),
    '',
  ].join('\n');
}
