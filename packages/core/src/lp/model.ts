/**
 * The LP/MIP model as a plain typed value (in the spirit of YALPS): rule modules fill it through
 * `LpModelBuilder`, and any `LpBackend` solves it. Columns and rows are stored sparsely so a large
 * model can be handed to a WebAssembly solver without writing LP text.
 */
export interface LpVariable {
  /** Unique, readable name (used in diagnostics; `lp/export.ts` makes it safe for LP and MPS files), e.g. `under[voice#2026-03-23T0715]`. */
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
  /** Unique, readable name, prefixed by the rule module that added it, e.g. `rest:agent-01:2026-03-24:0700`. */
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
  /**
   * The columns. Their fields may be getters (an agent's shift columns are, see `addBinaryFamily`), so spreading
   * one (`{ ...v }`) or cloning it for another thread loses them: copy one with `plainVariable`.
   */
  readonly variables: readonly LpVariable[];
  readonly rows: readonly LpRow[];
  /** A constant added to the objective (costs that no decision can change). */
  readonly objectiveOffset: number;
}

/** A variable as a plain object with its own fields (to copy one, or change a field of the copy). */
export function plainVariable(v: LpVariable): { name: string; lower: number; upper: number; cost: number; integer: boolean } {
  return { name: v.name, lower: v.lower, upper: v.upper, cost: v.cost, integer: v.integer };
}

/** A column added one at a time, with its own name. */
class NamedColumn implements LpVariable {
  constructor(
    readonly name: string,
    readonly lower: number,
    readonly upper: number,
    public cost: number,
    readonly integer: boolean,
  ) {}
}

/**
 * A run of binary columns named `${prefix}${k}${suffix}` for k = 0 … count − 1 (an agent's candidate shifts).
 * XL has 1.44 million of them: as objects with their own name, bounds and cost they held 260 MB of heap; a
 * member holds only its family and its k (its cost sits in the family's array), and its name is made when
 * asked for, which only diagnostics and small models' backends do.
 */
class ColumnFamily {
  readonly costs: Float64Array;
  constructor(
    readonly prefix: string,
    readonly suffix: string,
    count: number,
  ) {
    this.costs = new Float64Array(count);
  }
}

class FamilyColumn implements LpVariable {
  constructor(
    private readonly family: ColumnFamily,
    private readonly k: number,
  ) {}
  get name(): string {
    return `${this.family.prefix}${this.k}${this.family.suffix}`;
  }
  get lower(): number {
    return 0;
  }
  get upper(): number {
    return 1;
  }
  get integer(): boolean {
    return true;
  }
  get cost(): number {
    return this.family.costs[this.k]!;
  }
  set cost(value: number) {
    this.family.costs[this.k] = value;
  }
}

/** Mutable helper that builds an `LpModel`. */
export class LpModelBuilder {
  private readonly vars: (NamedColumn | FamilyColumn)[] = [];
  private readonly rowList: LpRow[] = [];
  /** Names of the columns added one at a time; family members are checked against them in `build`. */
  private readonly names = new Set<string>();
  /** Families by `prefix + "\u0000" + suffix`. */
  private readonly families = new Map<string, ColumnFamily>();
  private readonly sharedOnes = new SharedOnes();
  private readonly ones = new Map<number, readonly number[]>();
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
    this.vars.push(new NamedColumn(v.name, v.lower ?? 0, v.upper ?? Infinity, v.cost ?? 0, v.integer ?? false));
    return this.vars.length - 1;
  }

  addBinary(name: string, cost = 0): number {
    return this.addVariable({ name, lower: 0, upper: 1, cost, integer: true });
  }

  /**
   * Adds `count` binary columns of cost 0 named `${prefix}${k}${suffix}` and returns the index of the first (the
   * others follow it). The suffix may hold no digit and the prefix may not end in one, so a name tells its
   * family and k apart: every name stays unique, which `build` checks against the columns added one at a time.
   */
  addBinaryFamily(prefix: string, count: number, suffix: string): number {
    if (this.built) throw new Error('LpModelBuilder: the model is already built');
    if (/\d/.test(suffix) || /\d$/.test(prefix)) throw new Error(`column family ${prefix}…${suffix}: the suffix may hold no digit and the prefix may not end in one`);
    const key = `${prefix}\u0000${suffix}`;
    if (this.families.has(key)) throw new Error(`column family ${prefix}…${suffix} defined twice`);
    const family = new ColumnFamily(prefix, suffix, count);
    this.families.set(key, family);
    const first = this.vars.length;
    for (let k = 0; k < count; k++) this.vars.push(new FamilyColumn(family, k));
    return first;
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
      // such rows); 4 where they are ones and a short tail (see `SharedOnes`). Typed index arrays are taken as
      // they are, not copied: the caller hands them over.
      const ownIndices = indices instanceof Int32Array ? indices : Int32Array.from(indices);
      this.rowList.push({ name, indices: ownIndices, coefficients: this.sharedOnes.view(coefficients) ?? compactCoefficients(coefficients), lower, upper });
      return;
    }
    const merged = new Map<number, number>();
    for (let i = 0; i < indices.length; i++) {
      const j = indices[i]!;
      merged.set(j, (merged.get(j) ?? 0) + coefficients[i]!);
    }
    let n = 0;
    let allOnes = true;
    for (const c of merged.values())
      if (c !== 0) {
        n++;
        if (c !== 1) allOnes = false;
      }
    if (n === 0 && lower <= 0 && upper >= 0) return;
    // Arrays of their exact size (grown by push they kept up to twice the room), and one shared array of ones
    // per length: on XL the 250,000 short rows held 219 MB of heap.
    const idx = new Array<number>(n);
    const coef = allOnes ? this.onesOfLength(n) : new Array<number>(n);
    let k = 0;
    for (const [j, c] of merged) {
      if (c === 0) continue;
      idx[k] = j;
      if (!allOnes) (coef as number[])[k] = c;
      k++;
    }
    this.rowList.push({ name, indices: idx, coefficients: coef, lower, upper });
  }

  /**
   * Coefficients for a row of `ones` ones followed by `tail` (at most four values that fit 32 bits exactly),
   * without an array of the row's own: a read-only view shared with every such row. For long rows built in
   * place (coverage), which then need no temporary array of shares (on XL those 368 MB, freed again at once,
   * left about 150 MB of resident memory behind in the allocator).
   */
  onesThen(ones: number, tail: readonly number[]): Float32Array {
    const view = this.sharedOnes.of(ones, tail);
    if (!view) throw new Error(`onesThen: a tail of at most ${SHARED_TAIL_MAX} values that fit 32 bits exactly, got [${tail.join(', ')}]`);
    return view;
  }

  /** A frozen array of `n` ones, shared by every short row whose coefficients are all 1. */
  private onesOfLength(n: number): readonly number[] {
    let ones = this.ones.get(n);
    if (!ones) {
      ones = Object.freeze(new Array<number>(n).fill(1));
      this.ones.set(n, ones);
    }
    return ones;
  }

  /** The model. The builder hands over its arrays (no copy: a model can hold millions of columns), so it is finished after this. */
  build(): LpModel {
    if (this.built) throw new Error('LpModelBuilder.build() called twice');
    this.built = true;
    for (const name of this.names) {
      // The name's last run of digits is the k it would have in a family (see addBinaryFamily).
      const m = /^(.*\D|)(\d+)(\D*)$/.exec(name);
      const family = m ? this.families.get(`${m[1]}\u0000${m[3]}`) : undefined;
      if (family && String(Number(m![2])) === m![2] && Number(m![2]) < family.costs.length) throw new Error(`LP variable ${name} defined twice`);
    }
    this.names.clear();
    this.families.clear();
    return { sense: 'minimize', variables: this.vars, rows: this.rowList, objectiveOffset: this.offset };
  }
}

/** Longest tail after the ones that a shared coefficient buffer takes (coverage rows have two: the slacks' 1 and −1). */
const SHARED_TAIL_MAX = 4;

/**
 * Coefficients that are a run of ones followed by a short tail, as views into one buffer per tail (ones, then
 * the tail), so that such rows store no coefficients of their own. Coverage rows are such rows (the shifts'
 * whole-interval shares, then the under- and over-staffing slacks' 1 and −1): on XL this drops 184 MB of
 * 32-bit shares. The buffers are read-only in use, as every row's coefficients are.
 */
class SharedOnes {
  private readonly byTail = new Map<string, Float32Array>();
  /** Every buffer handed out, so a view from `of` given back to `view` is taken as it is. */
  private readonly buffers = new Set<ArrayBufferLike>();

  /** The coefficients as such a view, if they are ones and a short tail of values that fit 32 bits exactly. */
  view(coefficients: RowCoefficients): Float32Array | undefined {
    if (coefficients instanceof Float32Array && this.buffers.has(coefficients.buffer)) return coefficients;
    const n = coefficients.length;
    let ones = 0;
    while (ones < n && coefficients[ones] === 1) ones++;
    return n - ones > SHARED_TAIL_MAX ? undefined : this.of(ones, Array.from({ length: n - ones }, (_, i) => coefficients[ones + i]!));
  }

  /** `ones` ones followed by `tail`, or undefined when the tail is longer than SHARED_TAIL_MAX or a value of it does not fit 32 bits exactly. */
  of(ones: number, tail: readonly number[]): Float32Array | undefined {
    if (tail.length > SHARED_TAIL_MAX || tail.some((c) => Math.fround(c) !== c)) return undefined;
    const key = tail.join(',');
    let buffer = this.byTail.get(key);
    let capacity = buffer ? buffer.length - tail.length : 0;
    if (!buffer || capacity < ones) {
      // A longer run than any before: a new buffer (rows already built keep viewing the old one).
      capacity = Math.max(ones, 2 * capacity);
      buffer = new Float32Array(capacity + tail.length).fill(1);
      buffer.set(tail, capacity);
      this.byTail.set(key, buffer);
      this.buffers.add(buffer.buffer);
    }
    return buffer.subarray(capacity - ones, capacity + tail.length);
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
