/**
 * An `LpModel` as text other solvers read: free MPS and CPLEX LP, and CBC's solution file read back into
 * column values. Names are made safe for both formats (`exportNames`); every writer and reader of one model
 * must use the same names, which `exportNames` derives deterministically from the model when none are given.
 */
import type { LpModel } from './model.js';

/** Exported names of a model's columns and rows: unique, at most NAME_MAX characters, of [A-Za-z0-9_.] only. */
export interface ExportNames {
  readonly columns: readonly string[];
  readonly rows: readonly string[];
}

/** CBC's LP reader refuses longer names (and its MPS reader crashes on much longer ones). */
export const NAME_MAX = 100;

/**
 * A name both formats take: `-` becomes `.`, any other character outside [A-Za-z0-9_.] becomes `_` (runs of `_`
 * collapse, trailing ones go), and a name not starting with a letter gets an `n` in front (LP readers refuse a
 * leading digit or dot; a leading `e` followed by a digit could read as an exponent, so letters are fine).
 */
export function safeName(name: string): string {
  let s = name
    .replace(/-/g, '.')
    .replace(/[^A-Za-z0-9_.]/g, '_')
    .replace(/_+/g, '_')
    .replace(/_+$/, '');
  if (!/^[A-Za-z]/.test(s)) s = `n${s}`;
  return s;
}

/** Makes names unique and short enough: a clash or a cut name gets `_2`, `_3`… (the first keeps its name). */
class UniqueNames {
  private readonly used = new Set<string>();
  take(raw: string): string {
    let base = safeName(raw);
    if (base.length > NAME_MAX) base = base.slice(0, NAME_MAX - 8);
    let name = base;
    for (let k = 2; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }
}

/**
 * Exported names for every column and row: the model's own names made safe and unique, or `columnName(j)`
 * where it gives one (the export of a roster model names shift columns by agent, date, template and start).
 */
export function exportNames(model: LpModel, columnName?: (j: number) => string | undefined): ExportNames {
  const cols = new UniqueNames();
  const rows = new UniqueNames();
  return {
    columns: model.variables.map((v, j) => cols.take(columnName?.(j) ?? v.name)),
    rows: model.rows.map((r) => rows.take(r.name)),
  };
}

/** Shortest text that reads back as the same double. */
function num(x: number): string {
  return Object.is(x, -0) ? '0' : String(x);
}

/** The model's columns as compressed sparse columns (row indices and coefficients per column). */
function byColumn(model: LpModel): { starts: Int32Array; rows: Int32Array; coefficients: Float64Array } {
  const n = model.variables.length;
  const starts = new Int32Array(n + 1);
  for (const r of model.rows) for (let i = 0; i < r.indices.length; i++) starts[r.indices[i]! + 1]!++;
  for (let j = 0; j < n; j++) starts[j + 1]! += starts[j]!;
  const fill = starts.slice(0, n);
  const rows = new Int32Array(starts[n]!);
  const coefficients = new Float64Array(starts[n]!);
  model.rows.forEach((r, i) => {
    for (let k = 0; k < r.indices.length; k++) {
      const at = fill[r.indices[k]!]!++;
      rows[at] = i;
      coefficients[at] = r.coefficients[k]!;
    }
  });
  return { starts, rows, coefficients };
}

/** Receives a model's text piece by piece (about a megabyte each): a large model's text does not fit one string. */
export type TextSink = (piece: string) => void;

/** Lines gathered into pieces for a `TextSink`; every line ends with a newline. */
class Lines {
  private buffer: string[] = [];
  private size = 0;
  constructor(private readonly sink: TextSink) {}
  push(...lines: string[]): void {
    for (const line of lines) {
      this.buffer.push(line);
      this.size += line.length + 1;
    }
    if (this.size >= 1 << 20) this.flush();
  }
  pushAll(lines: readonly string[]): void {
    for (const line of lines) this.push(line);
  }
  flush(): void {
    if (this.buffer.length === 0) return;
    this.sink(`${this.buffer.join('\n')}\n`);
    this.buffer = [];
    this.size = 0;
  }
}

/** The whole text of a writer that streams into a sink (for models whose text fits one string). */
function collect(stream: (sink: TextSink) => void): string {
  const pieces: string[] = [];
  stream((piece) => pieces.push(piece));
  return pieces.join('');
}

/** Free rows (no finite bound) constrain nothing: neither format gets them. */
function isFree(r: { lower: number; upper: number }): boolean {
  return r.lower === -Infinity && r.upper === Infinity;
}

/**
 * Free-format MPS: rows N (objective `COST`), E, L, G (a row with two different finite bounds is G with a
 * RANGES entry), integer columns between MARKER lines with their bounds always written (BV for binaries; readers
 * differ on an integer column's default upper bound), the objective offset as minus the RHS of `COST` (the MPS convention
 * CBC, HiGHS, CPLEX and Gurobi follow).
 */
export function writeMps(model: LpModel, names: ExportNames = exportNames(model), title = 'flexroster'): string {
  return collect((sink) => streamMps(model, sink, names, title));
}

/** `writeMps`, piece by piece into `sink`. */
export function streamMps(model: LpModel, sink: TextSink, names: ExportNames = exportNames(model), title = 'flexroster'): void {
  const out = new Lines(sink);
  out.push(`NAME ${safeName(title)}`, 'ROWS', ' N COST');
  const kept = model.rows.map((r) => !isFree(r));
  model.rows.forEach((r, i) => {
    if (!kept[i]) return;
    const type = r.lower === r.upper ? 'E' : r.lower === -Infinity ? 'L' : 'G';
    out.push(` ${type} ${names.rows[i]}`);
  });
  out.push('COLUMNS');
  const csc = byColumn(model);
  let inInteger = false;
  model.variables.forEach((v, j) => {
    if (v.integer !== inInteger) {
      out.push(`    MARKER 'MARKER' '${v.integer ? 'INTORG' : 'INTEND'}'`);
      inInteger = v.integer;
    }
    const name = names.columns[j]!;
    const entries: string[] = [];
    if (v.cost !== 0) entries.push(`COST ${num(v.cost)}`);
    for (let k = csc.starts[j]!; k < csc.starts[j + 1]!; k++) if (kept[csc.rows[k]!]) entries.push(`${names.rows[csc.rows[k]!]} ${num(csc.coefficients[k]!)}`);
    // A column in no row and without cost still has to be declared.
    if (entries.length === 0) entries.push('COST 0');
    for (let k = 0; k < entries.length; k += 2) out.push(`    ${name} ${entries.slice(k, k + 2).join(' ')}`);
  });
  if (inInteger) out.push("    MARKER 'MARKER' 'INTEND'");
  out.push('RHS');
  if (model.objectiveOffset !== 0) out.push(`    RHS COST ${num(-model.objectiveOffset)}`);
  const ranges: string[] = [];
  model.rows.forEach((r, i) => {
    if (!kept[i]) return;
    const rhs = r.lower === -Infinity ? r.upper : r.lower;
    if (rhs !== 0) out.push(`    RHS ${names.rows[i]} ${num(rhs)}`);
    if (r.lower !== -Infinity && r.upper !== Infinity && r.lower !== r.upper) ranges.push(`    RNG ${names.rows[i]} ${num(r.upper - r.lower)}`);
  });
  if (ranges.length > 0) {
    out.push('RANGES');
    out.pushAll(ranges);
  }
  out.push('BOUNDS');
  model.variables.forEach((v, j) => out.push(...mpsBounds(names.columns[j]!, v.lower, v.upper, v.integer)));
  out.push('ENDATA');
  out.flush();
}

function mpsBounds(name: string, lower: number, upper: number, integer: boolean): string[] {
  if (integer && lower === 0 && upper === 1) return [` BV BND ${name}`];
  if (lower === upper) return [` FX BND ${name} ${num(lower)}`];
  if (lower === -Infinity && upper === Infinity) return [` FR BND ${name}`];
  const out: string[] = [];
  if (lower === -Infinity) out.push(` MI BND ${name}`);
  else if (lower !== 0 || integer) out.push(` LO BND ${name} ${num(lower)}`);
  if (upper !== Infinity) out.push(` UP BND ${name} ${num(upper)}`);
  else if (integer) out.push(` PL BND ${name}`);
  return out;
}

/** Terms of a linear expression, a few to a line (LP readers take long lines, people reading the file do not). */
function lpTerms(indices: ArrayLike<number>, coefficients: ArrayLike<number>, names: readonly string[]): string {
  const parts: string[] = [];
  for (let k = 0; k < indices.length; k++) {
    const c = coefficients[k]!;
    const sign = c < 0 ? '-' : '+';
    const term = `${sign} ${num(Math.abs(c))} ${names[indices[k]!]}`;
    parts.push(k > 0 && k % 8 === 0 ? `\n   ${term}` : term);
  }
  const text = parts.join(' ');
  return text.startsWith('+ ') ? text.slice(2) : text;
}

/**
 * CPLEX LP format. A row with two different finite bounds becomes two rows, `<name>_lo` (≥) and `<name>_hi` (≤):
 * CBC's LP reader takes no ranged rows. The objective offset is a constant term of the objective, which HiGHS,
 * CPLEX and Gurobi read and CBC 2.10's LP reader drops (its MPS reader keeps it).
 */
export function writeLp(model: LpModel, names: ExportNames = exportNames(model), title = 'flexroster'): string {
  return collect((sink) => streamLp(model, sink, names, title));
}

/** `writeLp`, piece by piece into `sink`. */
export function streamLp(model: LpModel, sink: TextSink, names: ExportNames = exportNames(model), title = 'flexroster'): void {
  const out = new Lines(sink);
  out.push(`\\ ${title}: ${model.variables.length} columns, ${model.rows.length} rows`, 'Minimize');
  const costIdx: number[] = [];
  const costs: number[] = [];
  model.variables.forEach((v, j) => {
    if (v.cost !== 0) {
      costIdx.push(j);
      costs.push(v.cost);
    }
  });
  // An empty objective still needs a term to be read.
  let objective = costIdx.length > 0 ? lpTerms(costIdx, costs, names.columns) : `0 ${names.columns[0] ?? ''}`;
  if (model.objectiveOffset !== 0) objective += ` ${model.objectiveOffset < 0 ? '-' : '+'} ${num(Math.abs(model.objectiveOffset))}`;
  out.push(` obj: ${objective}`, 'Subject To');
  const usedRowNames = new Set(names.rows);
  model.rows.forEach((r, i) => {
    if (isFree(r)) return;
    const name = names.rows[i]!;
    // An empty row is only kept when it is infeasible; a zero term on the first column keeps it readable.
    const lhs = r.indices.length > 0 ? lpTerms(r.indices, r.coefficients, names.columns) : `0 ${names.columns[0]}`;
    if (r.lower === r.upper) out.push(` ${name}: ${lhs} = ${num(r.lower)}`);
    else if (r.lower === -Infinity) out.push(` ${name}: ${lhs} <= ${num(r.upper)}`);
    else if (r.upper === Infinity) out.push(` ${name}: ${lhs} >= ${num(r.lower)}`);
    else {
      out.push(` ${rangeName(name, '_lo', usedRowNames)}: ${lhs} >= ${num(r.lower)}`);
      out.push(` ${rangeName(name, '_hi', usedRowNames)}: ${lhs} <= ${num(r.upper)}`);
    }
  });
  out.push('Bounds');
  // A column in no row, without cost and with default bounds would not appear at all: its bound declares it.
  const appears = new Uint8Array(model.variables.length);
  for (const r of model.rows) if (!isFree(r)) for (let k = 0; k < r.indices.length; k++) appears[r.indices[k]!] = 1;
  const binaries: string[] = [];
  const generals: string[] = [];
  model.variables.forEach((v, j) => {
    const name = names.columns[j]!;
    if (v.integer && v.lower === 0 && v.upper === 1) return binaries.push(name);
    if (v.integer) generals.push(name);
    if (v.lower === v.upper) out.push(` ${name} = ${num(v.lower)}`);
    else if (v.lower === -Infinity && v.upper === Infinity) out.push(` ${name} free`);
    else if (v.lower !== 0 || v.upper !== Infinity) out.push(` ${v.lower === -Infinity ? '-inf' : num(v.lower)} <= ${name} <= ${v.upper === Infinity ? '+inf' : num(v.upper)}`);
    else if (!appears[j] && v.cost === 0) out.push(` ${name} >= 0`);
  });
  for (const [section, list] of [['Binaries', binaries], ['Generals', generals]] as const) {
    if (list.length === 0) continue;
    out.push(section);
    for (let i = 0; i < list.length; i += 8) out.push(` ${list.slice(i, i + 8).join(' ')}`);
  }
  out.push('End');
  out.flush();
}

/** `<name><suffix>`, or with `_2`, `_3`… when another row already has that name. */
function rangeName(name: string, suffix: string, used: Set<string>): string {
  const base = `${name.slice(0, NAME_MAX - 8)}${suffix}`;
  let out = base;
  for (let k = 2; used.has(out); k++) out = `${base}_${k}`;
  used.add(out);
  return out;
}

/** What the first line of a CBC solution file says. */
export interface CbcSolutionStatus {
  /**
   * `optimal`; `stopped` (on time, nodes…: the values are the best integer solution found); `no-solution` (stopped
   * before any integer solution: the values are the relaxation's); `infeasible`; `unbounded`; `other`.
   */
  readonly status: 'optimal' | 'stopped' | 'no-solution' | 'infeasible' | 'unbounded' | 'other';
  /** The objective value CBC printed (including the objective offset of an MPS model). */
  readonly objective?: number;
  /** The first line itself. */
  readonly text: string;
}

/**
 * Reads the status line of a CBC `solu` file, e.g. `Stopped on time - objective value 123.00000000` or
 * `Stopped on time (no integer solution - continuous used) - objective value 8924.17`.
 */
export function cbcSolutionStatus(text: string): CbcSolutionStatus {
  const line = (text.split('\n', 1)[0] ?? '').trim();
  const m = /objective value\s+(\S+)/i.exec(line);
  const objective = m ? Number(m[1]) : undefined;
  const status = /^optimal/i.test(line)
    ? 'optimal'
    : /infeasible/i.test(line)
      ? 'infeasible'
      : /unbounded/i.test(line)
        ? 'unbounded'
        : /no integer solution/i.test(line)
          ? 'no-solution'
          : /^stopped/i.test(line)
            ? 'stopped'
            : 'other';
  return { status, ...(objective !== undefined && Number.isFinite(objective) ? { objective } : {}), text: line };
}

/**
 * Column values from a CBC `solu` file (a status line, then `index name value reducedCost` per column; a line
 * may start with `**` when CBC flags the value). Columns it does not list are 0. A name the model does not
 * have, or a line that cannot be read, is an error: the file belongs to another model.
 */
export function readCbcSolution(text: string, model: LpModel, names: ExportNames = exportNames(model)): Float64Array {
  const index = new Map<string, number>();
  names.columns.forEach((name, j) => index.set(name, j));
  const values = new Float64Array(model.variables.length);
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim().replace(/^\*\*\s*/, '');
    if (line === '') continue;
    const fields = line.split(/\s+/);
    const value = Number(fields[2]);
    if (fields.length < 3 || !/^\d+$/.test(fields[0]!) || !Number.isFinite(value)) throw new Error(`CBC solution line ${i + 1} cannot be read: ${lines[i]}`);
    const j = index.get(fields[1]!);
    if (j === undefined) throw new Error(`CBC solution line ${i + 1}: the model has no column named ${fields[1]}`);
    values[j] = value;
  }
  return values;
}
