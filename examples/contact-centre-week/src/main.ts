/**
 * Solves the contact-centre week and prints each agent's week, each shift's segments (work, breaks, lunch,
 * resets, coaching and meetings), the activities left unplaced, and the coverage per hour.
 *   node examples/contact-centre-week/dist/main.js [--backend highs|javascript-lp-solver] [--time-limit 20] [--report [file.html]]
 * With --report it also writes the HTML report of the solve (default report.html in the current folder).
 * With javascript-lp-solver the model is too large for the LP, so the roster comes from the heuristic;
 * the output says so, and gives the gap only where a lower bound is known.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { solve, type SolveProgress } from '@flexroster/core';
import { backendByName, summarize } from '@flexroster/cli';
import { renderReport } from '@flexroster/report';
import { buildScenario } from './scenario.js';
import { coverageByHour, weekGrid } from './grid.js';
import { agentDays, unplacedLines } from './days.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const scenario = buildScenario();
if (args.includes('--write-scenario')) {
  await writeFile(new URL('../scenario.json', import.meta.url), JSON.stringify(scenario, null, 2) + '\n');
  console.log('wrote scenario.json');
} else {
  // The best backend installed: HiGHS (the core's own default, javascript-lp-solver, needs no install but finds no bound here).
  const backendName = flag('backend') ?? 'highs';
  const progress: SolveProgress[] = [];
  const result = await solve(scenario, { timeLimitSeconds: Number(flag('time-limit') ?? 20), backend: backendByName(backendName), onProgress: (p) => progress.push(p) });
  console.log(`${scenario.name}\n`);
  console.log(weekGrid(scenario, result));
  console.log(`\nInside the shifts (site time)\n${agentDays(scenario, result)}`);
  const unplaced = unplacedLines(result);
  console.log(unplaced.length ? `\n${unplaced.join('\n')}` : '\nEvery activity session was placed.');
  console.log(`\n${coverageByHour(scenario, result)}\n`);
  console.log(summarize(result));
  if (result.status !== 'optimal')
    console.log(`\nNot proven optimal: ${result.gap === undefined ? 'no lower bound is known' : `the roster is within ${(result.gap * 100).toFixed(2)} % of the best lower bound known (${result.lowerBound?.toFixed(1)})`}.`);
  for (const w of result.warnings) console.log(`warning ${w.code} ${w.path}: ${w.message}`);
  if (args.includes('--report')) {
    const named = flag('report');
    const file = resolve(named && !named.startsWith('--') ? named : 'report.html');
    await writeFile(file, renderReport(scenario, { ...result, progress }));
    console.log(`\nreport written to ${file}`);
  }
}
