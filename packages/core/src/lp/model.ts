/**
 * The LP/MIP model as a plain typed value (in the spirit of YALPS): rule modules fill it through
 * `LpModelBuilder`, and any `LpBackend` solves it. Columns and rows are stored sparsely so a large
 * model can be handed to a WebAssembly solver without writing LP text.
 */
export interface LpVariable {
  /** Unique, readable name (used in LP text and diagnostics), e.g. `x[a3,d2,s17,voice]`. */
  readonly name: string;
  readonly lower: number;
  /** `Infinity` for no upper bound. */
  readonly upper: number;
  /** Objective coefficient (the model always minimises). */
  readonly cost: number;
  readonly integer: boolean;
}

/** A row's column indices: a plain array, or for long rows a typed array (see `LpModelBuilder.addRow`). */
export type RowIndices = readonly number[] | Int32Array;
/** A row's coefficients, stored like its indices (in 32 bits where every one of them fits exactly). */
export type RowCoefficients = readonly number[] | Float64Array | Float32Array;

export interface LpRow {
  /** Unique, readable name, prefixed by the rule module that added it, e.g. `rest:a3:d2:p34`. */
  readonly name: string;
  /** Column indices into `LpModel.variables`; no index appears twice in one row. */
  readonly indices: RowIndices;
  readonly coefficients: RowCoefficients;
  /** `-Infinity` for no lower bound. */
  readonly lower: number;
  /** `Infinity` for no upper bound. */
  readonly upper: number;
}

export interface LpModel {
  readonly sense: 'minimize';
  readonly variables: readonly LpVariable[];
  readonly rows: readonly LpRow[];
  /** A constant added to the objective (costs that no decision can change). */
  readonly objectiveOffset: number;
}

/** Mutable helper that builds an `LpModel`. */
export class LpModelBuilder {
  private readonly vars: { name: string; lower: number; upper: number; cost: number; integer: boolean }[] = [];
  private readonly rowList: LpRow[] = [];
  private readonly names = new Set<string>();
  private offset = 0;
  private built = false;

  get variableCount(): number {
    return this.vars.length;
  }

  get rowCount(): number {
    return this.rowList.length;
  }

  addVariable(v: { name: string; lower?: number; upper?: number; cost?: number; integer?: boolean }): number {
    if (this.built) throw new Error('LpModelBuilder: the model is already built');
    if (this.names.has(v.name)) throw new Error(`LP variable ${v.name} defined twice`);
    this.names.add(v.name);
    this.vars.push({ name: v.name, lower: v.lower ?? 0, upper: v.upper ?? Infinity, cost: v.cost ?? 0, integer: v.integer ?? false });
    return this.vars.length - 1;
  }

  addBinary(name: string, cost = 0): number {
    return this.addVariable({ name, lower: 0, upper: 1, cost, integer: true });
  }

  /** Adds `cost` to a column's objective coefficient (several rules may price the same column). */
  addCost(index: number, cost: number): void {
    const v = this.vars[index];
    if (!v) throw new Error(`LP variable index ${index} out of range`);
    v.cost += cost;
  }

  addObjectiveOffset(amount: number): void {
    this.offset += amount;
  }

  /**
   * Adds `lower <= sum(coef * x) <= upper`. Repeated indices are merged and zero coefficients dropped;
   * an empty row is only kept if it is infeasible on its own (so the backend reports it).
   */
  addRow(name: string, indices: RowIndices, coefficients: RowCoefficients, lower: number, upper: number): void {
    if (this.built) throw new Error('LpModelBuilder: the model is already built');
    if (indices.length !== coefficients.length) throw new Error(`row ${name}: ${indices.length} indices but ${coefficients.length} coefficients`);
    if (indices.length > 64 && distinctNonZero(indices, coefficients)) {
      // Long rows (coverage: one entry per shift touching an interval) are usually built duplicate-free, so
      // they need no merge map. They are kept as typed arrays: 8 bytes a nonzero where the coefficients fit
      // 32 bits exactly (coverage shares of whole or half intervals do), 12 otherwise, against 16 for number
      // arrays plus the room left by growing them with push (XL: 46 million of its 53 million nonzeros are in
      // such rows). Typed index arrays are taken as they are, not copied: the caller hands them over.
      const ownIndices = indices instanceof Int32Array ? indices : Int32Array.from(indices);
      this.rowList.push({ name, indices: ownIndices, coefficients: compactCoefficients(coefficients), lower, upper });
      return;
    }
    const merged = new Map<number, number>();
    for (let i = 0; i < indices.length; i++) {
      const j = indices[i]!;
      merged.set(j, (merged.get(j) ?? 0) + coefficients[i]!);
    }
    const idx: number[] = [];
    const coef: number[] = [];
    for (const [j, c] of merged) {
      if (c !== 0) {
        idx.push(j);
        coef.push(c);
      }
    }
    if (idx.length === 0 && lower <= 0 && upper >= 0) return;
    this.rowList.push({ name, indices: idx, coefficients: coef, lower, upper });
  }

  /** The model. The builder hands over its arrays (no copy: a model can hold millions of columns), so it is finished after this. */
  build(): LpModel {
    if (this.built) throw new Error('LpModelBuilder.build() called twice');
    this.built = true;
    this.names.clear();
    return { sense: 'minimize', variables: this.vars, rows: this.rowList, objectiveOffset: this.offset };
  }
}

/** The coefficients in 32 bits when each of them fits exactly, else in 64 (the values never change). */
function compactCoefficients(coefficients: RowCoefficients): Float32Array | Float64Array {
  if (coefficients instanceof Float32Array) return coefficients;
  for (let i = 0; i < coefficients.length; i++) if (Math.fround(coefficients[i]!) !== coefficients[i]) return coefficients instanceof Float64Array ? coefficients : Float64Array.from(coefficients);
  return Float32Array.from(coefficients);
}

/** Whether a row's indices are all distinct and its coefficients all non-zero (then it needs no merging). */
function distinctNonZero(indices: RowIndices, coefficients: RowCoefficients): boolean {
  const seen = new Set<number>();
  for (let i = 0; i < indices.length; i++) {
    if (coefficients[i] === 0 || seen.has(indices[i]!)) return false;
    seen.add(indices[i]!);
  }
  return true;
}

/** The objective value of an assignment of values to the model's columns. */
export function objectiveValue(model: LpModel, values: ArrayLike<number>): number {
  let total = model.objectiveOffset;
  model.variables.forEach((v, j) => {
    total += v.cost * (values[j] ?? 0);
  });
  return total;
}

/** Rows violated by more than `tolerance` under the given values (bounds of columns included). */
export function violatedRows(model: LpModel, values: ArrayLike<number>, tolerance = 1e-6): string[] {
  const out: string[] = [];
  model.variables.forEach((v, j) => {
    const x = values[j] ?? 0;
    if (x < v.lower - tolerance || x > v.upper + tolerance) out.push(`bound of ${v.name}`);
    if (v.integer && Math.abs(x - Math.round(x)) > tolerance) out.push(`integrality of ${v.name}`);
  });
  for (const r of model.rows) {
    let s = 0;
    for (let i = 0; i < r.indices.length; i++) s += r.coefficients[i]! * (values[r.indices[i]!] ?? 0);
    if (s < r.lower - tolerance || s > r.upper + tolerance) out.push(r.name);
  }
  return out;
}

/**
 * Fixes some columns to values and removes them from the model: their contribution moves into the row
 * bounds and the objective offset. Used to pin assignments (minimal-change re-solves, consistency checks)
 * so a backend only sees the free part. `expand` maps the reduced model's values back to full length.
 */
export function pinColumns(model: LpModel, pins: ReadonlyMap<number, number>): { model: LpModel; columns: Int32Array; expand(values: ArrayLike<number>): Float64Array } {
  const newIndex = new Int32Array(model.variables.length).fill(-1);
  const variables: LpVariable[] = [];
  const kept: number[] = [];
  let offset = model.objectiveOffset;
  model.variables.forEach((v, j) => {
    const pinned = pins.get(j);
    if (pinned === undefined) {
      newIndex[j] = variables.length;
      variables.push(v);
      kept.push(j);
    } else offset += v.cost * pinned;
  });
  const rows: LpRow[] = [];
  for (const r of model.rows) {
    let constant = 0;
    const indices: number[] = [];
    const coefficients: number[] = [];
    r.indices.forEach((j, k) => {
      const pinned = pins.get(j);
      if (pinned === undefined) {
        indices.push(newIndex[j]!);
        coefficients.push(r.coefficients[k]!);
      } else constant += r.coefficients[k]! * pinned;
    });
    const lower = r.lower - constant;
    const upper = r.upper - constant;
    // A row left without columns is dropped when it holds, and kept (empty, so infeasible) when it does not.
    if (indices.length === 0 && lower <= 1e-9 && upper >= -1e-9) continue;
    rows.push({ name: r.name, indices, coefficients, lower, upper });
  }
  return {
    model: { sense: 'minimize', variables, rows, objectiveOffset: offset },
    /** Full-model column of each reduced-model column (as `WindowModel.columns`). */
    columns: Int32Array.from(kept),
    expand(values) {
      const full = new Float64Array(model.variables.length);
      model.variables.forEach((_, j) => {
        const pinned = pins.get(j);
        full[j] = pinned ?? values[newIndex[j]!] ?? 0;
      });
      return full;
    },
  };
}
