export { CqParseError, loadInstance, parseInstance } from './parse.js';
export { instanceDir } from './data.js';
export type { CqCover, CqInstance, CqRequest, CqShift, CqStaff } from './parse.js';
export { evaluateCq } from './objective.js';
export type { CqAssignment, CqBreakdown, CqEvaluation, CqHardViolation, CqRule } from './objective.js';
export {
  CqSolutionError,
  compareStaffId,
  formatSolutionJson,
  parseSolutionJson,
  readSolutionJson,
  writeSolutionJson,
} from './solution.js';
export type { CqSolution } from './solution.js';
