/**
 * Re-plan benchmark: `pnpm bench:replan [--sizes M,L] [--seeds 1,2] [--day 3] [--md file] [--json file]`. Per size
 * and seed it publishes a roster of the generated scenario (HiGHS, the size's target limit), then lays two events
 * on it (an afternoon absence of 3 agents; +30 % demand on one day) and answers each with a minimal-change
 * re-plan and with a solve from scratch. Appends a dated section to benchmarks/results/replan.md and the
 * records to replan.json beside it. Unknown flags are refused (`--help` lists them).
 */
import { existsSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { evaluate, solve } from '@flexroster/core';
import { backendByName, commitLabel, parseFlags, runAsProgram, UsageError } from '@flexroster/cli';
import { generateScenario, SIZES, type SizeName } from '@flexroster/bench-scenarios';
import { absenceEvent, demandEvent } from './events.js';
import { runEvent, type ChangeCost } from './measure.js';
import { machine, markdown, type ReplanReport, type SizeRun } from './report.js';

const FLAGS = ['sizes', 'seeds', 'day', 'md', 'json'];
const HELP = `usage: pnpm bench:replan -- [--sizes M,L] [--seeds 1,2] [--day <n>] [--md <file>] [--json <file>]
  --sizes   generated scenario sizes (default M,L; S and XL also exist)
  --seeds   scenario seeds, one run each (default 1)
  --day     day of the horizon both events fall on, 0 = first (default 3)
  --md      markdown file a dated section is appended to (default benchmarks/results/replan.md)
  --json    JSON file the run is appended to (default benchmarks/results/replan.json)`;

/** Publishing limit per size (the scenario benchmark's targets), then the re-plan's and the scratch solve's. */
const LIMITS: Record<SizeName, { publish: number; replan: number }> = { S: { publish: 30, replan: 5 }, M: { publish: 10, replan: 5 }, L: { publish: 60, replan: 30 }, XL: { publish: 300, replan: 60 } };
const CHANGE_COST: ChangeCost = { perShiftMoved: 50, perShiftAddedOrRemoved: 80, perAgentTouched: 100 };
const ABSENCE = { from: '13:00', to: '18:00', count: 3 };
const SURGE = 1.3;

function list<T>(text: string, parse: (x: string) => T | undefined, what: string): T[] {
  return text.split(',').map((x) => {
    const v = parse(x.trim());
    if (v === undefined) throw new UsageError(`${what}: ${x} is not valid`);
    return v;
  });
}

async function runSize(size: SizeName, seed: number, day: number): Promise<SizeRun> {
  const scenario = generateScenario(size, seed);
  const backend = backendByName('highs');
  const limit = LIMITS[size];
  if (day >= scenario.horizon.days) throw new UsageError(`--day ${day} is beyond ${size}'s ${scenario.horizon.days} days`);
  const t = performance.now();
  const pub = await solve(scenario, { timeLimitSeconds: limit.publish, backend, seed });
  const publish = { status: pub.status, seconds: (performance.now() - t) / 1000, timeLimitSeconds: limit.publish, cost: pub.cost, hardViolations: evaluate(scenario, pub.roster).violations.length };
  console.error(`${size} seed ${seed}: published (${publish.status}, cost ${publish.cost.toFixed(1)}, ${publish.seconds.toFixed(1)} s)`);
  const events = [absenceEvent(scenario, pub.roster, { day, ...ABSENCE, seed }), demandEvent(scenario, day, SURGE)];
  const runs = [];
  for (const e of events) {
    const run = await runEvent(e, pub.roster, { backend, timeLimitSeconds: limit.replan, changeCost: CHANGE_COST, seed });
    for (const m of run.results)
      console.error(`  ${e.kind} ${m.method}: ${m.changedShifts} changes, ${m.agentsTouched} agents, cost ${m.cost.toFixed(1)}, under ${m.understaffedAgentHours.toFixed(1)} agent-h, ${m.hardViolations} hard, ${m.seconds.toFixed(1)} s`);
    runs.push(run);
  }
  return { size, ...SIZES[size], seed, publish, replanLimitSeconds: limit.replan, events: runs };
}

async function main(argv: string[]): Promise<void> {
  const { positional, flags, help } = parseFlags(argv, FLAGS);
  if (help) return console.log(HELP);
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const sizes = list(flags.get('sizes') ?? 'M,L', (x) => (x in SIZES ? (x as SizeName) : undefined), '--sizes');
  const seeds = list(flags.get('seeds') ?? '1', (x) => (/^\d+$/.test(x) ? Number(x) : undefined), '--seeds');
  const day = Number(flags.get('day') ?? 3);
  if (!Number.isInteger(day) || day < 0) throw new UsageError(`--day must be a whole number, at least 0 (got ${flags.get('day')})`);
  const md = flags.get('md') ?? 'benchmarks/results/replan.md';
  const json = flags.get('json') ?? 'benchmarks/results/replan.json';
  console.error(`machine: ${machine()}`);
  const runs: SizeRun[] = [];
  for (const size of sizes) for (const seed of seeds) runs.push(await runSize(size, seed, day));
  const report: ReplanReport = { date: new Date().toISOString(), machine: machine(), commit: commitLabel(), command: `pnpm bench:replan -- ${argv.filter((a) => a !== '--').join(' ')}`.trim(), changeCost: CHANGE_COST, runs };
  const section = markdown(report);
  console.log(section);
  if (!existsSync(md)) writeFileSync(md, '# Re-plan benchmark (minimal-change solve vs a solve from scratch)\n\n');
  appendFileSync(md, `${section}\n`);
  const earlier = existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as ReplanReport[]) : [];
  writeFileSync(json, `${JSON.stringify([...earlier, report], null, 2)}\n`);
}

await runAsProgram(import.meta.url, main, HELP);
