/** The sweep runner's command line: every flag checked, unknown ones refused by name. */
import { BACKEND_NAMES } from '@flexroster/cli';

export const PEERS = ['cbc'] as const;
export type PeerName = (typeof PEERS)[number];

export interface SweepOptions {
  shapes: number;
  seed: number;
  /** 1-based shape indices to run (default: all). */
  only?: number[];
  backend: string;
  timeScale: number;
  peer?: PeerName;
  peerTimeScale: number;
  out: string;
  help: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage: pnpm bench:sweep -- [options]

Solves a seeded family of contact-centre scenario shapes, one child process per shape, and writes
<out>/sweep.json (this run's records) and <out>/sweep.md (a new dated section on top of older ones).

  --shapes N            number of shapes in the design (default 24)
  --seed S              seed of the design and the scenarios (default 1)
  --only 1,5,7-9        run only these shapes (1-based) of the N
  --backend NAME        our LP backend: ${BACKEND_NAMES.join(' or ')} (default highs)
  --time-scale K        multiply every time limit by K (default 1)
  --peer cbc            also run CBC on each shape, after ours, with the same limit (times --peer-time-scale), 2 threads
  --peer-time-scale K   multiply the peer's limit by K (default 1)
  --out DIR             where to write sweep.json and sweep.md (default benchmarks/results)
  --help                print this text
`;

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive whole number, got "${text}"`);
  return n;
}

function positiveNumber(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} needs a positive number, got "${text}"`);
  return n;
}

function indexList(text: string): number[] {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new UsageError(`--only: cannot read "${part}" (use e.g. 1,5,7-9)`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    for (let i = Math.min(a, b); i <= Math.max(a, b); i++) out.add(i);
  }
  return [...out].sort((x, y) => x - y);
}

export function parseArgs(argv: readonly string[]): SweepOptions {
  const args = argv.filter((a) => a !== '--');
  const o: SweepOptions = { shapes: 24, seed: 1, backend: 'highs', timeScale: 1, peerTimeScale: 1, out: 'benchmarks/results', help: false };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--shapes': o.shapes = positiveInt(flag, value()); break;
      case '--seed': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new UsageError(`--seed needs a whole number, got "${v}"`);
        o.seed = Number(v);
        break;
      }
      case '--only': o.only = indexList(value()); break;
      case '--backend': {
        const v = value();
        if (!(BACKEND_NAMES as readonly string[]).includes(v)) throw new UsageError(`--backend is ${BACKEND_NAMES.join(' or ')}, got "${v}"`);
        o.backend = v;
        break;
      }
      case '--time-scale': o.timeScale = positiveNumber(flag, value()); break;
      case '--peer': {
        const v = value();
        if (!(PEERS as readonly string[]).includes(v)) throw new UsageError(`--peer is ${PEERS.join(' or ')}, got "${v}"`);
        o.peer = v as PeerName;
        break;
      }
      case '--peer-time-scale': o.peerTimeScale = positiveNumber(flag, value()); break;
      case '--out': o.out = value(); break;
      case '--help': case '-h': o.help = true; break;
      default: throw new UsageError(`unknown argument "${flag}" (see --help)`);
    }
  }
  const beyond = o.only?.find((n) => n < 1 || n > o.shapes);
  if (beyond !== undefined) throw new UsageError(`--only: there is no shape ${beyond} in a sweep of ${o.shapes} shapes`);
  return o;
}
