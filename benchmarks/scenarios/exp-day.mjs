import { generateScenario } from './dist/generate.js';
import { expandProblem, generateCandidates, buildRosterModel, parseScenario } from '@flexroster/core';
import { partitionRelaxation } from '../../packages/core/dist/lp/window.js';
import { highsBackend } from '@flexroster/solver-highs';
const size = process.argv[2] ?? 'M';
const p = expandProblem(parseScenario(generateScenario(size, 1))); generateCandidates(p);
let t = performance.now();
const built = buildRosterModel(p); const lp = built.lp;
console.log('build', ((performance.now()-t)/1000).toFixed(1), 'cols', lp.variables.length, 'rss', (process.memoryUsage().rss/1e6).toFixed(0));
const h = highsBackend();
for (const mode of (process.argv[3] ?? 'day,week').split(',')) {
  const part = new Int32Array(lp.variables.length).fill(-1);
  let parts;
  if (mode === 'day') { built.model.columns.forEach((cols, ai) => cols.forEach((j, i) => (part[j] = p.agents[ai].candidates[i].day))); parts = p.days + 2; }
  else { built.model.columns.forEach((cols, ai) => cols.forEach((j, i) => (part[j] = p.agents[ai].candidates[i].week))); parts = p.weeks.length; }
  for (let j = 0; j < part.length; j++) if (part[j] >= parts) parts = part[j] + 1;
  t = performance.now();
  const split = partitionRelaxation(lp, part, parts);
  console.log(mode, 'split', ((performance.now()-t)/1000).toFixed(1), 'dropped', split.droppedRows, 'parts', split.models.length);
  let total = split.constant; let i = 0; const times = [];
  const lanes = async () => { while (i < split.models.length) { const m = split.models[i++]; const s = performance.now(); const r = await h.solve(m, { timeLimitSeconds: 600, relaxIntegrality: true }); times.push(((performance.now()-s)/1000).toFixed(1)); total += r.objective ?? NaN; } };
  await Promise.all([lanes(), lanes()]);
  console.log(mode, 'bound', total, 'in', ((performance.now()-t)/1000).toFixed(1), 's; part times', times.join(' '), 'rss', (process.memoryUsage().rss/1e6).toFixed(0));
}
process.exit(0);
