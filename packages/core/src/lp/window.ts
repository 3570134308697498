/**
 * Sub-models for decomposition (restricted MIP, fix-and-optimise windows). A window frees some decision
 * columns and pins every other decision column to a value; instead of handing the backend the whole model
 * with pinned columns (as `pinColumns` does), it keeps only the rows that touch a free column, closed over
 * the auxiliary columns (slacks, day-worked indicators) those rows use. Rows outside the window are
 * unaffected by it, so the sub-model's optimum is the full model's optimum over the window, up to a constant.
 */
import type { LpModel, LpRow, LpVariable } from './model.js';

/**
 * Column → rows incidence of a model, built once per solve, as runs of consecutive rows: column j's rows are
 * `runFirst[k] … runFirst[k] + runLength[k] − 1` for k from `starts[j]` to `starts[j + 1] − 1`. A shift's
 * coverage rows are consecutive intervals of its skill, so on XL its 53 million entries make 7.9 million runs
 * (64 MB here, against 211 MB for one entry per row).
 */
export interface ColumnIndex {
  readonly starts: Int32Array;
  readonly runFirst: Int32Array;
  readonly runLength: Uint16Array;
}

/** Longest run one entry of a `ColumnIndex` holds (longer ones take several). */
const MAX_RUN = 0xffff;

export function columnIndex(model: LpModel): ColumnIndex {
  const n = model.variables.length;
  // Rows are visited in order, so a column's rows come ascending: a row extends the column's last run when it
  // follows that run's last row and the run is not full. Pass 1 counts the runs, pass 2 fills them.
  const lastRow = new Int32Array(n);
  const lastLength = new Int32Array(n);
  const visit = (onNewRun: (j: number, i: number) => void, onExtend: (j: number) => void) => {
    lastRow.fill(-2);
    model.rows.forEach((r, i) => {
      for (let k = 0; k < r.indices.length; k++) {
        const j = r.indices[k]!;
        if (lastRow[j] === i - 1 && lastLength[j]! < MAX_RUN) {
          lastLength[j]!++;
          onExtend(j);
        } else {
          lastLength[j] = 1;
          onNewRun(j, i);
        }
        lastRow[j] = i;
      }
    });
  };
  const starts = new Int32Array(n + 1);
  visit(
    (j) => starts[j + 1]!++,
    () => undefined,
  );
  for (let j = 0; j < n; j++) starts[j + 1]! += starts[j]!;
  const runFirst = new Int32Array(starts[n]!);
  const runLength = new Uint16Array(starts[n]!);
  const next = starts.slice(0, n);
  visit(
    (j, i) => {
      const k = next[j]!++;
      runFirst[k] = i;
      runLength[k] = 1;
    },
    (j) => runLength[next[j]! - 1]!++,
  );
  return { starts, runFirst, runLength };
}

export interface WindowModel {
  readonly model: LpModel;
  /** Full-model column of each sub-model column. */
  readonly columns: Int32Array;
}

/**
 * @param decision 1 for decision columns (they are either free or pinned), 0 for auxiliary columns.
 * @param free the decision columns left to the solver.
 * @param pinned value of a pinned decision column (usually 0/1 from the incumbent roster).
 */
export function windowModel(model: LpModel, index: ColumnIndex, decision: Uint8Array, free: readonly number[], pinned: (column: number) => number): WindowModel {
  const inCol = new Uint8Array(model.variables.length);
  const inRow = new Uint8Array(model.rows.length);
  const queue: number[] = [];
  for (const j of free) {
    if (!inCol[j]) {
      inCol[j] = 1;
      queue.push(j);
    }
  }
  const rowList: number[] = [];
  for (let q = 0; q < queue.length; q++) {
    const j = queue[q]!;
    for (let k = index.starts[j]!; k < index.starts[j + 1]!; k++) {
      const end = index.runFirst[k]! + index.runLength[k]!;
      for (let i = index.runFirst[k]!; i < end; i++) {
        if (inRow[i]) continue;
        inRow[i] = 1;
        rowList.push(i);
        for (const c of model.rows[i]!.indices) {
          if (!decision[c] && !inCol[c]) {
            inCol[c] = 1;
            queue.push(c);
          }
        }
      }
    }
  }
  const columns = Int32Array.from(queue).sort();
  // An array, not a map: coverage rows make tens of millions of lookups per window on XL.
  const newIndex = new Int32Array(model.variables.length).fill(-1);
  columns.forEach((j, k) => (newIndex[j] = k));
  const variables: LpVariable[] = Array.from(columns, (j) => model.variables[j]!);
  const rows: LpRow[] = [];
  rowList.sort((a, b) => a - b);
  for (const i of rowList) {
    const r = model.rows[i]!;
    // Count first, so the row's arrays have their exact size: typed for long rows, as in the full model (on
    // XL the per-agent plan's sub-model held 108 MB of heap in arrays grown by push).
    let kept = 0;
    let constant = 0;
    for (let k = 0; k < r.indices.length; k++) {
      const j = r.indices[k]!;
      if (newIndex[j]! >= 0) kept++;
      else constant += r.coefficients[k]! * pinned(j);
    }
    const long = kept > 64;
    const indices = long ? new Int32Array(kept) : new Array<number>(kept);
    const coefficients = long ? new Float64Array(kept) : new Array<number>(kept);
    for (let k = 0, f = 0; k < r.indices.length; k++) {
      const nj = newIndex[r.indices[k]!]!;
      if (nj < 0) continue;
      indices[f] = nj;
      coefficients[f++] = r.coefficients[k]!;
    }
    rows.push({ name: r.name, indices, coefficients, lower: r.lower - constant, upper: r.upper - constant });
  }
  return { model: { sense: 'minimize', variables, rows, objectiveOffset: 0 }, columns };
}

/**
 * A relaxation that falls apart into independent LPs: every row whose columns span more than one part is
 * dropped (rows only ever constrain, so dropping them relaxes), decision columns keep the part they are
 * given, auxiliary columns take the part of their rows. The sum of the parts' LP optima plus `constant`
 * is a valid lower bound on the model's optimum. Undefined when a column left in no row could run off to
 * −∞ (no bound then).
 */
export function partitionRelaxation(model: LpModel, decisionPart: Int32Array, parts: number): { models: LpModel[]; columns: Int32Array[]; constant: number; droppedRows: number } | undefined {
  const part = Int32Array.from(decisionPart);
  const rowPart = new Int32Array(model.rows.length).fill(-1); // -1 undecided, -2 dropped
  let changed = true;
  for (let pass = 0; changed && pass < 50; pass++) {
    changed = false;
    model.rows.forEach((r, i) => {
      if (rowPart[i] === -2) return;
      let k = -1;
      for (const j of r.indices) {
        const pj = part[j]!;
        if (pj < 0) continue;
        if (k === -1) k = pj;
        else if (pj !== k) {
          k = -2;
          break;
        }
      }
      if (k === -2) {
        rowPart[i] = -2;
        changed = true;
        return;
      }
      if (k === -1) return;
      if (rowPart[i] !== k) {
        rowPart[i] = k;
        changed = true;
      }
      for (const j of r.indices)
        if (part[j]! < 0) {
          part[j] = k;
          changed = true;
        }
    });
  }
  // Rows of auxiliary columns only, never reached: give them (and their columns) to part 0 if that is consistent.
  model.rows.forEach((r, i) => {
    if (rowPart[i] !== -1) return;
    let inPartZero = true;
    for (const j of r.indices) if (part[j]! > 0) inPartZero = false;
    if (inPartZero) {
      rowPart[i] = 0;
      for (const j of r.indices) part[j] = 0;
    } else rowPart[i] = -2;
  });
  let constant = model.objectiveOffset;
  const colLists: number[][] = Array.from({ length: parts }, () => []);
  const newIndex = new Int32Array(model.variables.length).fill(-1);
  const inKeptRow = new Uint8Array(model.variables.length);
  model.rows.forEach((r, i) => {
    if (rowPart[i]! >= 0) for (const j of r.indices) inKeptRow[j] = 1;
  });
  for (let j = 0; j < model.variables.length; j++) {
    const v = model.variables[j]!;
    if (!inKeptRow[j] || part[j]! < 0) {
      // In no kept row: the column sits at whichever bound is cheaper.
      const x = v.cost > 0 ? v.lower : v.cost < 0 ? v.upper : Number.isFinite(v.lower) ? v.lower : 0;
      if (!Number.isFinite(x)) return undefined;
      constant += v.cost * x;
      continue;
    }
    newIndex[j] = colLists[part[j]!]!.length;
    colLists[part[j]!]!.push(j);
  }
  const rowLists: LpRow[][] = Array.from({ length: parts }, () => []);
  let droppedRows = 0;
  model.rows.forEach((r, i) => {
    const k = rowPart[i]!;
    if (k < 0) {
      droppedRows++;
      return;
    }
    rowLists[k]!.push({ name: r.name, indices: Int32Array.from(r.indices, (j) => newIndex[j]!), coefficients: r.coefficients, lower: r.lower, upper: r.upper });
  });
  return {
    models: colLists.map((cols, k) => ({ sense: 'minimize', variables: cols.map((j) => model.variables[j]!), rows: rowLists[k]!, objectiveOffset: 0 })),
    columns: colLists.map((c) => Int32Array.from(c)),
    constant,
    droppedRows,
  };
}
