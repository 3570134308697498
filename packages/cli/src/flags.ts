/**
 * Command-line flags: `--name value`, `--name=value`, and `--help` / `-h`. A flag the command does not know is a
 * usage error naming the closest one it does know, so a misspelt flag is never silently ignored.
 */

import { fileURLToPath } from 'node:url';

/** A usage error: the caller prints the message and the usage text, and exits 2. */
export class UsageError extends Error {}

/**
 * Runs `main` when the module at `moduleUrl` (its `import.meta.url`) is the program node was started with; a
 * UsageError prints its message and `usage` to stderr and exits 2, any other error is thrown.
 */
export async function runAsProgram(moduleUrl: string, main: (argv: string[]) => Promise<void>, usage: string): Promise<void> {
  if (!process.argv[1] || fileURLToPath(moduleUrl) !== process.argv[1]) return;
  try {
    await main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${e.message}\n${usage}`);
    process.exitCode = 2;
  }
}

export interface ParsedFlags {
  readonly positional: string[];
  readonly flags: Map<string, string>;
  /** `--help` or `-h` was given. */
  readonly help: boolean;
}

/** Parses `argv` accepting only the flags named in `known` (each takes a value); `--` separators are skipped. */
export function parseFlags(argv: readonly string[], known: readonly string[]): ParsedFlags {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue; // `pnpm flexroster -- …` passes the separator through
    if (a === '--help' || a === '-h') {
      help = true;
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      const eq = a.indexOf('=');
      const name = (eq >= 0 ? a.slice(0, eq) : a).replace(/^--?/, '');
      if (!a.startsWith('--') || !known.includes(name)) throw new UsageError(`unknown flag ${eq >= 0 ? a.slice(0, eq) : a}${suggestion(name, known)}`);
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
      if (flags.has(name)) throw new UsageError(`--${name} given twice`);
      flags.set(name, value);
    } else positional.push(a);
  }
  return { positional, flags, help };
}

/** `, did you mean --x?` for the known flag closest to `name` (at most 2 edits away, or one holding the other). */
function suggestion(name: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = k.startsWith(name) || name.startsWith(k) ? Math.min(1, editDistance(name, k)) : editDistance(name, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  if (best !== undefined && bestDistance <= 2) return `, did you mean --${best}?`;
  return known.length > 0 ? ` (known: ${known.map((k) => `--${k}`).join(', ')})` : ' (this command takes no flags)';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
