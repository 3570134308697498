import { generateScenario } from './dist/generate.js';
import { expandProblem, generateCandidates, buildRosterModel, parseScenario } from '@flexroster/core';
import { highsBackend } from '@flexroster/solver-highs';
const size = process.argv[2] ?? 'M'; const seed = Number(process.argv[3] ?? 1);
const p = expandProblem(parseScenario(generateScenario(size, seed))); generateCandidates(p);
const built = buildRosterModel(p); const lp = built.lp;
const h = highsBackend();
const r = await h.solve(lp, { timeLimitSeconds: 60, relaxIntegrality: true });
const o = await h.solve(lp, { timeLimitSeconds: 200, mipRelativeGap: 0 });
console.log('lp', r.objective, 'opt', o.status, o.objective);
let sum = 0, maxd = -Infinity, neg = 0;
for (let j = 0; j < lp.variables.length; j++) {
  const d = r.reducedCosts[j];
  if (r.values[j] < 1e-6 && d < -1e-7) neg++;
  if (o.values[j] > 0.5 && r.values[j] < 1e-6) { sum += d; maxd = Math.max(maxd, d); }
}
console.log('at-zero columns with negative rc', neg, 'optimum uses LP-zero columns with rc sum', sum, 'max', maxd, 'LB + sum', r.objective + sum, '<= opt?', r.objective + sum <= o.objective + 1e-6);
// dual check: c - A^T y  consistency not available; check row-wise identity using values
process.exit(0);
