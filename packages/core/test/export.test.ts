/**
 * Model export: the MPS and LP text read back by small readers written here give the model that was written;
 * CBC solution files decode into the right roster; names are safe, unique and say what they are.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import {
  cbcSolutionStatus,
  exportModel,
  exportNames,
  FlexrosterInputError,
  LpModelBuilder,
  NAME_MAX,
  readCbcSolution,
  safeName,
  ScenarioValidationError,
  writeLp,
  writeMps,
  type ExportNames,
  type LpModel,
} from '@flexroster/core';
import { smallScenario } from './fixtures.js';
import { parseInstance } from '../../../benchmarks/curtois-qu/dist/parse.js';
import { toScenario } from '../../../benchmarks/curtois-qu/dist/scenario.js';

/** A model as a reader sees it: everything by name. */
interface ReadModel {
  offset: number;
  columns: Map<string, { lower: number; upper: number; integer: boolean; cost: number }>;
  rows: Map<string, { lower: number; upper: number; coefficients: Map<string, number> }>;
}

/** What a reader should find for `model` under `names`; `splitRanges` as the LP writer does (`_lo` ≥, `_hi` ≤). */
function expected(model: LpModel, names: ExportNames, splitRanges: boolean): ReadModel {
  const out: ReadModel = { offset: model.objectiveOffset, columns: new Map(), rows: new Map() };
  model.variables.forEach((v, j) => out.columns.set(names.columns[j]!, { lower: v.lower, upper: v.upper, integer: v.integer, cost: v.cost }));
  model.rows.forEach((r, i) => {
    if (r.lower === -Infinity && r.upper === Infinity) return;
    const coefficients = new Map<string, number>();
    for (let k = 0; k < r.indices.length; k++) coefficients.set(names.columns[r.indices[k]!]!, r.coefficients[k]!);
    const name = names.rows[i]!;
    if (splitRanges && r.lower !== r.upper && r.lower !== -Infinity && r.upper !== Infinity) {
      out.rows.set(`${name}_lo`, { lower: r.lower, upper: Infinity, coefficients });
      out.rows.set(`${name}_hi`, { lower: -Infinity, upper: r.upper, coefficients });
    } else out.rows.set(name, { lower: r.lower, upper: r.upper, coefficients });
  });
  return out;
}

/** The first difference between two read models, or undefined (a zero coefficient counts as absent). */
function difference(a: ReadModel, b: ReadModel): string | undefined {
  if (a.offset !== b.offset) return `offset ${a.offset} ≠ ${b.offset}`;
  if (a.columns.size !== b.columns.size) return `${a.columns.size} columns ≠ ${b.columns.size}`;
  for (const [name, c] of a.columns) {
    const d = b.columns.get(name);
    if (!d) return `column ${name} missing`;
    if (c.lower !== d.lower || c.upper !== d.upper || c.integer !== d.integer || c.cost !== d.cost) return `column ${name}: ${JSON.stringify(c)} ≠ ${JSON.stringify(d)}`;
  }
  if (a.rows.size !== b.rows.size) return `${a.rows.size} rows ≠ ${b.rows.size}`;
  for (const [name, r] of a.rows) {
    const s = b.rows.get(name);
    if (!s) return `row ${name} missing`;
    if (r.lower !== s.lower || r.upper !== s.upper) return `row ${name}: [${r.lower}, ${r.upper}] ≠ [${s.lower}, ${s.upper}]`;
    const nonzero = (m: Map<string, number>) => [...m].filter(([, c]) => c !== 0);
    if (nonzero(r.coefficients).length !== nonzero(s.coefficients).length) return `row ${name}: ${r.coefficients.size} ≠ ${s.coefficients.size} entries`;
    for (const [col, c] of nonzero(r.coefficients)) if (s.coefficients.get(col) !== c) return `row ${name}, column ${col}: ${c} ≠ ${s.coefficients.get(col)}`;
  }
  return undefined;
}

/** A free-MPS reader: N/E/L/G rows, MARKER integer blocks, RHS (the objective's is minus the offset), RANGES, BOUNDS. */
function readMps(text: string): ReadModel {
  const out: ReadModel = { offset: 0, columns: new Map(), rows: new Map() };
  const types = new Map<string, string>();
  const rhs = new Map<string, number>();
  const ranges = new Map<string, number>();
  let objective = '';
  let section = '';
  let integer = false;
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('*')) continue;
    const f = line.trim().split(/\s+/);
    if (!line.startsWith(' ')) {
      section = f[0]!;
      continue;
    }
    if (section === 'ROWS') {
      if (f[0] === 'N' && !objective) objective = f[1]!;
      else types.set(f[1]!, f[0]!);
    } else if (section === 'COLUMNS') {
      if (f[1] === "'MARKER'") {
        integer = f[2] === "'INTORG'";
        continue;
      }
      const col = out.columns.get(f[0]!) ?? { lower: 0, upper: Infinity, integer, cost: 0 };
      out.columns.set(f[0]!, col);
      for (let k = 1; k + 1 < f.length; k += 2) {
        const value = Number(f[k + 1]);
        if (f[k] === objective) col.cost = value;
        else {
          if (!out.rows.has(f[k]!)) out.rows.set(f[k]!, { lower: 0, upper: 0, coefficients: new Map() });
          out.rows.get(f[k]!)!.coefficients.set(f[0]!, value);
        }
      }
    } else if (section === 'RHS') {
      if (f[1] === objective) out.offset = -Number(f[2]);
      else rhs.set(f[1]!, Number(f[2]));
    } else if (section === 'RANGES') ranges.set(f[1]!, Number(f[2]));
    else if (section === 'BOUNDS') {
      const col = out.columns.get(f[2]!)!;
      const value = Number(f[3]);
      if (f[0] === 'UP') col.upper = value;
      else if (f[0] === 'LO') col.lower = value;
      else if (f[0] === 'FX') [col.lower, col.upper] = [value, value];
      else if (f[0] === 'FR') [col.lower, col.upper] = [-Infinity, Infinity];
      else if (f[0] === 'MI') col.lower = -Infinity;
      else if (f[0] === 'PL') col.upper = Infinity;
      else if (f[0] === 'BV') [col.lower, col.upper, col.integer] = [0, 1, true];
      else throw new Error(`unknown bound type ${f[0]}`);
    }
  }
  for (const [name, type] of types) {
    if (!out.rows.has(name)) out.rows.set(name, { lower: 0, upper: 0, coefficients: new Map() });
    const row = out.rows.get(name)!;
    const b = rhs.get(name) ?? 0;
    const r = ranges.get(name);
    if (type === 'E') [row.lower, row.upper] = r === undefined ? [b, b] : r >= 0 ? [b, b + r] : [b + r, b];
    else if (type === 'L') [row.lower, row.upper] = [r === undefined ? -Infinity : b - Math.abs(r), b];
    else [row.lower, row.upper] = [b, r === undefined ? Infinity : b + Math.abs(r)];
  }
  return out;
}

/** A CPLEX-LP reader for what `writeLp` writes: objective with a constant, rows `name: terms op rhs`, Bounds, Binaries, Generals. */
function readLp(text: string): ReadModel {
  const out: ReadModel = { offset: 0, columns: new Map(), rows: new Map() };
  const column = (name: string) => {
    if (!out.columns.has(name)) out.columns.set(name, { lower: 0, upper: Infinity, integer: false, cost: 0 });
    return out.columns.get(name)!;
  };
  const sections = new Map<string, string[]>();
  let section = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('\\')) continue;
    if (/^(Minimize|Subject To|Bounds|Binaries|Generals|End)$/.test(line)) section = line;
    else sections.set(section, [...(sections.get(section) ?? []), ...line.trim().split(/\s+/).filter(Boolean)]);
  }
  /** Terms `[sign] number name` until a token that is not a sign or number; a number with no name after it is a constant. */
  const terms = (tokens: string[], from: number, onTerm: (name: string, c: number) => void): { next: number; constant: number } => {
    let i = from;
    let constant = 0;
    while (i < tokens.length) {
      let sign = 1;
      if (tokens[i] === '+' || tokens[i] === '-') sign = tokens[i++] === '-' ? -1 : 1;
      const c = Number(tokens[i]);
      if (Number.isNaN(c)) break;
      const name = tokens[i + 1];
      if (name === undefined || /^[<>=+-]/.test(name) || !Number.isNaN(Number(name))) {
        constant += sign * c;
        i += 1;
      } else {
        onTerm(name, sign * c);
        i += 2;
      }
    }
    return { next: i, constant };
  };
  const obj = sections.get('Minimize')!;
  out.offset = terms(obj, 1, (name, c) => (column(name).cost = c)).constant;
  const rowTokens = sections.get('Subject To') ?? [];
  for (let i = 0; i < rowTokens.length; ) {
    const name = rowTokens[i]!.replace(/:$/, '');
    const coefficients = new Map<string, number>();
    const { next } = terms(rowTokens, i + 1, (col, c) => {
      column(col);
      coefficients.set(col, c);
    });
    const op = rowTokens[next]!;
    const value = Number(rowTokens[next + 1]);
    out.rows.set(name, { lower: op === '<=' ? -Infinity : value, upper: op === '>=' ? Infinity : value, coefficients });
    i = next + 2;
  }
  const bound = (s: string) => (s === '-inf' ? -Infinity : s === '+inf' ? Infinity : Number(s));
  const b = sections.get('Bounds') ?? [];
  for (let i = 0; i < b.length; ) {
    if (b[i + 1] === 'free') {
      Object.assign(column(b[i]!), { lower: -Infinity, upper: Infinity });
      i += 2;
    } else if (b[i + 1] === '=') {
      const v = Number(b[i + 2]);
      Object.assign(column(b[i]!), { lower: v, upper: v });
      i += 3;
    } else if (b[i + 1] === '>=') {
      column(b[i]!).lower = Number(b[i + 2]);
      i += 3;
    } else {
      Object.assign(column(b[i + 2]!), { lower: bound(b[i]!), upper: bound(b[i + 4]!) });
      i += 5;
    }
  }
  for (const name of sections.get('Binaries') ?? []) Object.assign(column(name), { lower: 0, upper: 1, integer: true });
  for (const name of sections.get('Generals') ?? []) column(name).integer = true;
  return out;
}

/** A model with every kind of bound, row and coefficient the writers handle. */
function edgeModel(): LpModel {
  const b = new LpModelBuilder();
  const x = b.addBinaryFamily('x[a-1#', 3, ']');
  const g = b.addVariable({ name: 'general', lower: -2, upper: 7, cost: 0.1, integer: true });
  const gp = b.addVariable({ name: 'general-unbounded', lower: 0, upper: Infinity, cost: 1, integer: true });
  const free = b.addVariable({ name: 'free', lower: -Infinity, upper: Infinity, cost: -1 / 3 });
  const mi = b.addVariable({ name: 'minus', lower: -Infinity, upper: 4 });
  const fixed = b.addVariable({ name: 'fixed', lower: 2.5, upper: 2.5, cost: 1e-9 });
  b.addVariable({ name: 'unused' });
  b.addCost(x + 1, 4.5);
  b.addRow('eq:a-1:2026-03-23', [x, x + 1, g], [1, 1, -1], 1, 1);
  b.addRow('le', [x + 2, free, mi], [2, -0.25, 1], -Infinity, 10);
  b.addRow('ge', [gp, fixed], [1, 3], -5, Infinity);
  b.addRow('range', [x, gp, free], [1 / 3, 1e-7, 12345.678], 37.5 - 1e-9, 40 + 1e-9);
  b.addRow('negative-range', [mi], [1], -3, -1);
  b.addRow('empty-infeasible', [], [], 1, 2);
  b.addObjectiveOffset(123.25);
  return b.build();
}

t.test('safe names: only [A-Za-z0-9_.], a letter first, unique, at most NAME_MAX characters', async (t) => {
  t.equal(safeName('x[agent-01#2026-03-23]'), 'x_agent.01_2026.03.23');
  t.equal(safeName('rest:agent 7:2026-03-24:0700'), 'rest_agent_7_2026.03.24_0700');
  t.equal(safeName('2nd'), 'n2nd');
  t.equal(safeName('.hidden'), 'n.hidden');
  const b = new LpModelBuilder();
  b.addVariable({ name: 'a-b:c' });
  b.addVariable({ name: 'a.b_c' });
  b.addVariable({ name: 'a.b_c_2' });
  b.addVariable({ name: 'y'.repeat(150) });
  b.addVariable({ name: `${'y'.repeat(150)}z` });
  const names = exportNames(b.build());
  t.same(names.columns.slice(0, 3), ['a.b_c', 'a.b_c_2', 'a.b_c_2_2'], 'clashes after sanitizing get a suffix, and the suffixed name is checked too');
  t.ok(names.columns.every((n) => n.length <= NAME_MAX && /^[A-Za-z][A-Za-z0-9_.]*$/.test(n)), names.columns.join(' '));
  t.equal(new Set(names.columns).size, names.columns.length, 'cut names stay unique');
});

t.test('MPS read back gives the same model: rows, columns, coefficients, bounds, integrality, objective and offset', async (t) => {
  const model = edgeModel();
  const names = exportNames(model);
  const text = writeMps(model, names);
  t.equal(difference(readMps(text), expected(model, names, false)), undefined);
  t.match(text, /RANGES\n {4}RNG range 2\.50000000199/, 'a row with two finite bounds is a G row with a range');
  t.match(text, / BV BND x_a.1_0\n/, 'binaries are BV');
  t.match(text, / LO BND general -2\n UP BND general 7\n/);
  t.match(text, / PL BND general.unbounded\n/, 'an integer column without upper bound says so (readers differ on the default)');
  t.match(text, /RHS COST -123\.25/, 'the offset is minus the objective row\'s RHS');
});

t.test('LP read back gives the same model, ranged rows split into _lo and _hi', async (t) => {
  const model = edgeModel();
  const names = exportNames(model);
  const text = writeLp(model, names);
  t.equal(difference(readLp(text), expected(model, names, true)), undefined);
  t.match(text, /^ range_lo: .* >= 37\.499999999$/m);
  t.match(text, /^ empty.infeasible_lo: 0 x_a.1_0 >= 1$/m, 'an empty (infeasible) row keeps a zero term so readers take it');
  t.match(text, /^ unused >= 0$/m, 'a column in no row and without cost is still declared');
});

t.test('exportModel: the full model of a scenario, names that say agent, date, template and start, the same in both formats', async (t) => {
  const s = smallScenario();
  const mps = exportModel(s, { format: 'mps' });
  const lp = exportModel(s, { format: 'lp' });
  t.same(mps.names, lp.names);
  t.equal(difference(readMps(mps.text), expected(mps.model, mps.names, false)), undefined);
  t.equal(difference(readLp(lp.text), expected(lp.model, lp.names, true)), undefined);
  t.equal(mps.stats.columns, mps.model.variables.length);
  t.ok(mps.names.columns.includes('x_a1_2026.03.23_day_0900_480m'), 'shift column: agent, date, template, start, length');
  t.ok(mps.names.rows.includes('coverage_voice_2026.03.23T0900'), 'coverage row: skill and interval start');
  t.ok(mps.names.rows.includes('contract.hours_a1_week_1'));
  t.ok(mps.names.rows.some((n) => /^rest_a1_2026\.03\.24_0[0-9]{3}$/.test(n)), 'rest row: agent, date and start of the later shift');
  t.ok(mps.names.columns.includes('under_voice_2026.03.23T0900'));
  const refused = (() => {
    try {
      exportModel(s, { format: 'xls' as 'mps' });
    } catch (e) {
      return e;
    }
  })();
  t.ok(refused instanceof FlexrosterInputError && refused.issues[0]!.path === '/format', 'an unknown format names /format');
  t.throws(() => exportModel({ ...s, horizon: { ...s.horizon, timeZone: 'Moon/Base' } }, { format: 'lp' }), ScenarioValidationError);
});

t.test('a CBC solution file decodes into the roster of its shift columns; an unknown name is an error', async (t) => {
  const e = exportModel(smallScenario(), { format: 'mps' });
  const slack = e.names.columns.indexOf('under_voice_2026.03.23T2100');
  t.ok(slack >= 0);
  // As CBC writes it: a status line, then index, name, value and reduced cost of the non-zero columns.
  const solution = [
    'Stopped on time - objective value 1234.50000000',
    `      7 x_a1_2026.03.23_day_0900_480m                1                       0`,
    `     40 x_a2_2026.03.24_day_0700_480m                1                      -2`,
    `** ${slack} under_voice_2026.03.23T2100              2                       0`,
    '',
  ].join('\n');
  const values = e.readCbcSolution(solution);
  t.equal(values[slack], 2);
  t.equal(values.reduce((n, v) => n + v, 0), 4, 'every unlisted column is 0');
  t.same(e.toRoster(values).assignments, [
    { agentId: 'a1', start: '2026-03-23T09:00:00Z', end: '2026-03-23T17:00:00Z', skill: 'voice', template: 'day' },
    { agentId: 'a2', start: '2026-03-24T07:00:00Z', end: '2026-03-24T15:00:00Z', skill: 'voice', template: 'day' },
  ]);
  t.throws(() => e.readCbcSolution(`${solution}      9 x_zz_2026.03.23_day_0900_480m 1 0\n`), /line 5: the model has no column named x_zz_2026\.03\.23_day_0900_480m/);
  t.throws(() => readCbcSolution('Optimal - objective value 1\n  3 x\n', e.model, e.names), /line 2 cannot be read/);
  t.same(cbcSolutionStatus(solution), { status: 'stopped', objective: 1234.5, text: 'Stopped on time - objective value 1234.50000000' });
  t.same(
    [
      'Optimal - objective value 12.00000000',
      'Stopped on time (no integer solution - continuous used) - objective value 8924.16666489',
      'Infeasible - objective value 0.00000000',
      'Integer infeasible - objective value 0',
      'Unbounded - objective value 0',
      '',
    ].map((l) => cbcSolutionStatus(l).status),
    ['optimal', 'no-solution', 'infeasible', 'infeasible', 'unbounded', 'other'],
  );
});

t.test('a Curtois–Qu instance, through its adapter, exports with shift-coverage rows named by template and date', async (t) => {
  const text = [
    'SECTION_HORIZON', '7', '',
    'SECTION_SHIFTS', 'E,480,', 'L,600,E', '',
    'SECTION_STAFF', 'A,E=7|L=7,5000,0,7,1,1,1', 'B,E=7|L=7,5000,0,7,1,1,1', '',
    'SECTION_DAYS_OFF', 'A,6', 'B,0,1', '',
    'SECTION_SHIFT_ON_REQUESTS', 'A,0,E,2', '',
    'SECTION_SHIFT_OFF_REQUESTS', 'B,2,L,1', '',
    'SECTION_COVER', ...Array.from({ length: 7 }, (_, d) => [`${d},E,1,100,1`, `${d},L,1,100,1`]).flat(),
  ].join('\n');
  const scenario = toScenario(parseInstance(text, 'tiny'));
  for (const format of ['mps', 'lp'] as const) {
    const e = exportModel(scenario, { format });
    const read = format === 'mps' ? readMps(e.text) : readLp(e.text);
    t.equal(difference(read, expected(e.model, e.names, format === 'lp')), undefined, format);
    const date = scenario.horizon.startDate.replace(/-/g, '.');
    t.ok(e.names.rows.includes(`shift.coverage_E_${date}`), `shift-coverage row of template E on ${date}`);
    t.ok(e.names.columns.some((n) => n.startsWith(`x_A_${date}_E_`)), 'shift column of staff A, template E, first day');
  }
});

t.test('the example scenario exports with unique names in both formats', async (t) => {
  const scenario = JSON.parse(readFileSync(new URL('../../../examples/contact-centre-week/scenario.json', import.meta.url), 'utf8'));
  const e = exportModel(scenario, { format: 'mps' });
  t.equal(new Set(e.names.columns).size, e.model.variables.length);
  t.equal(new Set(e.names.rows).size, e.model.rows.length);
  t.notOk(e.names.columns.some((n) => /_\d+$/.test(n) && e.names.columns.includes(n.replace(/_\d+$/, ''))), 'no name needed a clash suffix');
  t.equal(difference(readMps(e.text), expected(e.model, e.names, false)), undefined);
  const pieces: string[] = [];
  e.write((piece) => pieces.push(piece));
  t.ok(pieces.length > 1 && pieces.every((p) => p.endsWith('\n')), `written in ${pieces.length} pieces of whole lines`);
  t.equal(pieces.join(''), e.text, 'the pieces make the text');
});

t.test('names stay unique when a fall-back night repeats an agent\'s local times (site London, agent New York)', async (t) => {
  // On 2026-11-01 London is already on GMT while New York falls back at 02:00: site starts 05:00 and 06:00 are both 01:00 there.
  const e = exportModel(
    {
      schemaVersion: 1,
      horizon: { startDate: '2026-10-31', days: 2, timeZone: 'Europe/London', intervalMinutes: 30 },
      skills: ['voice'],
      shiftTemplates: [{ id: 'dawn', earliestStart: '04:00', latestStart: '07:00', lengthsMinutes: [600] }],
      contracts: [{ id: 'ft', minRestHours: 16 }],
      agents: [{ id: 'ny', skills: ['voice'], contract: 'ft', timeZone: 'America/New_York' }],
      demand: [{ skill: 'voice', start: '2026-10-31T00:00', required: Array(96).fill(1) }],
    },
    { format: 'lp' },
  );
  t.equal(new Set(e.model.rows.map((r) => r.name)).size, e.model.rows.length, 'the model\'s own row names are unique (aggregation groups rows by name)');
  t.ok(e.names.rows.includes('rest_ny_2026.11.01_0100') && e.names.rows.includes('rest_ny_2026.11.01_0100b'), 'the second 01:00 start\'s rest row ends in b');
  t.ok(e.names.columns.includes('x_ny_2026.11.01_dawn_0100_600m') && e.names.columns.includes('x_ny_2026.11.01_dawn_0100_600m_2'), 'the second 01:00 shift gets the clash suffix');
  t.equal(difference(readLp(e.text), expected(e.model, e.names, true)), undefined);
});
