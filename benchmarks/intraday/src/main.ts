/**
 * Intraday benchmark: `pnpm bench:intraday [--sizes S,M] [--seed 1] [--time-limits S:10,M:10,L:60] [--md file]`.
 * Per size, three ways to put breaks, lunches, coaching and resets into a roster of the generated scenario
 * with break rules (measure.ts): the solve's second stage, fixed offsets, and a flat shrinkage with breaks
 * placed afterwards. Under-staffing, Erlang C service level from the agents on the phones, hard violations,
 * the second stage's time. Appends a dated section to benchmarks/results/intraday.md. Unknown flags are refused.
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { backendByName, commitLabel, parseFlags, runAsProgram, UsageError } from '@flexroster/cli';
import { SIZES, type SizeName } from '@flexroster/bench-scenarios';
import { measureSize, type SizeResult } from './measure.js';
import { machine, markdown } from './report.js';

const FLAGS = ['sizes', 'seed', 'time-limits', 'md'];
const HELP = `usage: pnpm bench:intraday -- [--sizes S,M] [--seed 1] [--time-limits S:10,M:10,L:60] [--md <file>]
  --sizes        generated scenario sizes (default S,M; L and XL also exist)
  --seed         scenario seed (default 1)
  --time-limits  solve limit in seconds per size (default S:10,M:10,L:60,XL:300)
  --md           markdown file a dated section is appended to (default benchmarks/results/intraday.md)`;

const LIMITS: Record<SizeName, number> = { S: 10, M: 10, L: 60, XL: 300 };

function limits(text: string | undefined): Record<SizeName, number> {
  const out = { ...LIMITS };
  for (const part of text ? text.split(',') : []) {
    const [size, seconds] = part.split(':');
    if (!size || !(size in SIZES) || !(Number(seconds) > 0)) throw new UsageError(`--time-limits: ${part} is not size:seconds`);
    out[size as SizeName] = Number(seconds);
  }
  return out;
}

async function main(argv: string[]): Promise<void> {
  const { positional, flags, help } = parseFlags(argv, FLAGS);
  if (help) return console.log(HELP);
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const sizes = (flags.get('sizes') ?? 'S,M').split(',').map((x) => {
    if (!(x.trim() in SIZES)) throw new UsageError(`--sizes: ${x} is not a size`);
    return x.trim() as SizeName;
  });
  const seed = Number(flags.get('seed') ?? 1);
  if (!Number.isInteger(seed) || seed < 1) throw new UsageError(`--seed must be a whole number, at least 1`);
  const limit = limits(flags.get('time-limits'));
  const md = flags.get('md') ?? 'benchmarks/results/intraday.md';
  const backend = backendByName('highs');
  const results: SizeResult[] = [];
  for (const size of sizes) {
    const r = await measureSize(size, seed, limit[size], backend);
    for (const v of r.variants) console.error(`${size} ${v.method}: under ${v.underHours.toFixed(1)} agent-h, SL ${(v.meanServiceLevel * 100).toFixed(1)} %, ${v.hardViolations} hard, stage ${v.stageSeconds.toFixed(3)} s`);
    results.push(r);
  }
  const command = `pnpm bench:intraday -- ${argv.filter((a) => a !== '--').join(' ')}`.trim();
  const section = markdown({ date: new Date().toISOString(), commit: commitLabel(), command, sizes: results });
  console.log(section);
  if (!existsSync(md)) writeFileSync(md, '# Intraday benchmark (breaks by the second stage vs fixed offsets vs a flat shrinkage)\n\n');
  appendFileSync(md, `${section}\n`);
  console.error(`machine: ${machine()}; appended to ${md}`);
}

await runAsProgram(import.meta.url, main, HELP);
