/**
 * The solution file every Curtois–Qu run writes:
 *   { "instance": "Instance1", "objective": 607, "seconds": 1.5, "assignments": [ { "staff": "A", "day": 0, "shift": "D" }, … ] }
 * One assignment per worked day, sorted by staff then day, so two runs that found the same roster write the
 * same bytes apart from `seconds` and the files diff cleanly.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { CqAssignment } from './objective.js';

export interface CqSolution {
  instance: string;
  objective: number;
  seconds: number;
  assignments: CqAssignment[];
}

export class CqSolutionError extends Error {
  /** JSON path of the offending value, e.g. `assignments[3].day`; empty for the document itself. */
  readonly path: string;
  constructor(path: string, detail: string) {
    super(path === '' ? detail : `${path}: ${detail}`);
    this.name = 'CqSolutionError';
    this.path = path;
  }
}

/**
 * Staff order: shorter ids first, then code-unit order. For the Curtois–Qu naming (A … Z, AA … ET) this is
 * the order of the instance files, which a plain string sort is not (it would put AA between A and B).
 */
export function compareStaffId(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function compareAssignment(a: CqAssignment, b: CqAssignment): number {
  return compareStaffId(a.staff, b.staff) || a.day - b.day;
}

/** Sorted by staff then day, and at most one entry per (staff, day). */
function checkCanonical(assignments: readonly CqAssignment[]): void {
  for (let i = 1; i < assignments.length; i++) {
    const c = compareAssignment(assignments[i - 1]!, assignments[i]!);
    if (c === 0) throw new CqSolutionError(`assignments[${i}]`, 'second assignment for the same staff and day');
    if (c > 0) throw new CqSolutionError(`assignments[${i}]`, 'not sorted by staff, then day');
  }
}

/** Checks the shape only (keys, types); ordering is checkCanonical's job. */
function validate(value: unknown): CqSolution {
  const obj = (v: unknown, path: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CqSolutionError(path, 'expected an object');
    return v as Record<string, unknown>;
  };
  const onlyKeys = (o: Record<string, unknown>, keys: readonly string[], path: string): void => {
    for (const k of Object.keys(o)) {
      if (!keys.includes(k)) throw new CqSolutionError(path === '' ? k : `${path}.${k}`, 'unexpected property');
    }
    for (const k of keys) {
      if (!Object.hasOwn(o, k)) throw new CqSolutionError(path === '' ? k : `${path}.${k}`, 'missing');
    }
  };
  const str = (v: unknown, path: string): string => {
    if (typeof v !== 'string' || v === '') throw new CqSolutionError(path, 'expected a non-empty string');
    return v;
  };

  const root = obj(value, '');
  onlyKeys(root, ['instance', 'objective', 'seconds', 'assignments'], '');
  const instance = str(root.instance, 'instance');
  const objective = root.objective;
  if (typeof objective !== 'number' || !Number.isSafeInteger(objective)) throw new CqSolutionError('objective', 'expected an integer');
  const seconds = root.seconds;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new CqSolutionError('seconds', 'expected a finite number ≥ 0');
  }
  if (!Array.isArray(root.assignments)) throw new CqSolutionError('assignments', 'expected an array');
  const assignments = (root.assignments as unknown[]).map((v, i): CqAssignment => {
    const path = `assignments[${i}]`;
    const a = obj(v, path);
    onlyKeys(a, ['staff', 'day', 'shift'], path);
    const day = a.day;
    if (typeof day !== 'number' || !Number.isSafeInteger(day) || day < 0) {
      throw new CqSolutionError(`${path}.day`, 'expected an integer ≥ 0');
    }
    return { staff: str(a.staff, `${path}.staff`), day, shift: str(a.shift, `${path}.shift`) };
  });
  return { instance, objective, seconds, assignments };
}

/** Serialises in canonical form (sorted, one line per assignment). Throws CqSolutionError on a bad shape or a double-booked day. */
export function formatSolutionJson(solution: CqSolution): string {
  const s = validate(solution);
  const sorted = [...s.assignments].sort(compareAssignment);
  // A roster with two shifts on one day cannot be written as "one entry per worked day"; refuse rather than drop one.
  checkCanonical(sorted);
  const lines = sorted.map((a) => `    ${JSON.stringify({ staff: a.staff, day: a.day, shift: a.shift })}`);
  return (
    `{\n  "instance": ${JSON.stringify(s.instance)},\n  "objective": ${s.objective},\n  "seconds": ${JSON.stringify(s.seconds)},\n` +
    `  "assignments": [${lines.length === 0 ? '' : '\n' + lines.join(',\n') + '\n  '}]\n}\n`
  );
}

/** Writes atomically (temporary file, then rename) so a crash never leaves a half-written solution behind. */
export async function writeSolutionJson(path: string, solution: CqSolution): Promise<void> {
  const text = formatSolutionJson(solution);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, path);
}

/** Parses and validates: exact keys, integer objective, sorted by staff then day, one entry per (staff, day). */
export function parseSolutionJson(text: string): CqSolution {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CqSolutionError('', `not JSON: ${(e as Error).message}`);
  }
  const solution = validate(value);
  checkCanonical(solution.assignments);
  return solution;
}

export async function readSolutionJson(path: string): Promise<CqSolution> {
  return parseSolutionJson(await readFile(path, 'utf8'));
}
