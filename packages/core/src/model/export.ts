/**
 * exportModel: the same full MIP the direct solve hands its backend (validate → expand → candidates → every
 * rule module's rows), written as MPS or LP for another solver, with what it takes to read that solver's
 * values back into a roster. Shift columns are named `x_<agent>_<date>_<template>_<HHMM>_<minutes>m[_<skill>]`
 * (agent-local date and start; the skill only when the scenario has several); every other name is the rule
 * module's own, made safe by `safeName`.
 */
import { exportNames, readCbcSolution, streamLp, streamMps, type ExportNames, type TextSink } from '../lp/export.js';
import type { LpModel } from '../lp/model.js';
import { expandProblem, type Problem, type Shift } from '../expand/problem.js';
import { generateCandidates } from '../shifts/candidates.js';
import { parseScenario } from '../validate/validate.js';
import { buildRosterModel, type BuiltModel } from './build.js';
import { shiftsToRoster } from '../evaluate/roster.js';
import { dateOfDay } from '../rules/rule.js';
import type { Roster } from '../schema/roster.js';
import { FlexrosterInputError } from '../schema/errors.js';

export type ExportFormat = 'mps' | 'lp';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['mps', 'lp'];

export interface ModelExport {
  readonly format: ExportFormat;
  /** The whole text, made on first use (a large model's text may not fit one string: use `write`). */
  readonly text: string;
  /** Writes the text piece by piece into `sink` (to a file, say), never holding all of it. */
  write(sink: TextSink): void;
  readonly model: LpModel;
  /** The exported name of every column and row (index-aligned with `model`). */
  readonly names: ExportNames;
  readonly problem: Problem;
  readonly built: BuiltModel;
  /** `buildSeconds`: validate, expand, candidates, model and names. */
  readonly stats: { readonly columns: number; readonly integerColumns: number; readonly rows: number; readonly nonzeros: number; readonly buildSeconds: number };
  /** Column values (from any solver, in model order) → the roster of the shift columns at 1. */
  toRoster(values: ArrayLike<number>): Roster;
  /** A CBC `solu` file of this export → column values in model order (unknown names are an error). */
  readCbcSolution(text: string): Float64Array;
}

/** The name of a shift column: agent, agent-local date, template, start and length (skill when several). */
export function shiftColumnName(p: Problem, s: Shift): string {
  const a = p.agents[s.agent]!;
  const hhmm = `${String(Math.floor(s.localStart / 60)).padStart(2, '0')}${String(s.localStart % 60).padStart(2, '0')}`;
  const skill = p.skills.length > 1 ? `_${s.skill}` : '';
  return `x_${a.id}_${dateOfDay(p, s.day)}_${s.template?.id ?? 'none'}_${hhmm}_${s.minutes}m${skill}`;
}

export function exportModel(scenario: unknown, options: { readonly format: ExportFormat }): ModelExport {
  if (!EXPORT_FORMATS.includes(options.format)) throw new FlexrosterInputError('invalid export options', [{ path: '/format', message: `must be one of ${EXPORT_FORMATS.join(', ')} (got ${JSON.stringify(options.format)})` }]);
  const t0 = performance.now();
  const p = expandProblem(parseScenario(scenario));
  generateCandidates(p);
  const built = buildRosterModel(p);
  const model = built.lp;
  const shiftOf: (Shift | undefined)[] = new Array(model.variables.length);
  p.agents.forEach((a, ai) => a.candidates.forEach((s, i) => (shiftOf[built.model.columns[ai]![i]!] = s)));
  const names = exportNames(model, (j) => {
    const s = shiftOf[j];
    return s ? shiftColumnName(p, s) : undefined;
  });
  const t1 = performance.now();
  const title = `flexroster ${p.startDate} ${p.days}d ${p.agents.length} agents`;
  const write = (sink: TextSink) => (options.format === 'mps' ? streamMps(model, sink, names, title) : streamLp(model, sink, names, title));
  let text: string | undefined;
  let integerColumns = 0;
  for (const v of model.variables) if (v.integer) integerColumns++;
  return {
    format: options.format,
    get text() {
      if (text === undefined) {
        const pieces: string[] = [];
        write((piece) => pieces.push(piece));
        text = pieces.join('');
      }
      return text;
    },
    write,
    model,
    names,
    problem: p,
    built,
    stats: {
      columns: model.variables.length,
      integerColumns,
      rows: model.rows.length,
      nonzeros: model.rows.reduce((n, r) => n + r.indices.length, 0),
      buildSeconds: (t1 - t0) / 1000,
    },
    toRoster: (values) => shiftsToRoster(p, built.decode(values)),
    readCbcSolution: (solution) => readCbcSolution(solution, model, names),
  };
}
