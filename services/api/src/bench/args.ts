/**
 * The service benchmarks' command lines: `node:util` parseArgs, strict. `--help` prints the usage; an
 * unknown flag or a stray argument (a leading `--`, which pnpm passes on, aside) prints the problem and the usage and exits with code 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export function benchArgs<O extends Options>(usage: string, options: O, argv = process.argv.slice(2)) {
  // `pnpm bench:x -- --flag` hands the `--` on to the program.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  try {
    const { values } = parseArgs({ args, options: { ...options, help: { type: 'boolean', default: false } }, strict: true, allowPositionals: false });
    if ((values as { help?: boolean }).help) {
      console.log(usage);
      process.exit(0);
    }
    return values as unknown as { [K in keyof O]: O[K] extends { type: 'boolean' } ? boolean : string };
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: ${usage}`);
    process.exit(2);
  }
}

/** A number flag within (min, max]; otherwise the usage and exit code 2. */
export function numberArg(name: string, value: string, usage: string, min: number, max: number): number {
  const n = Number(value);
  if (Number.isFinite(n) && n > min && n <= max) return n;
  console.error(`--${name} must be a number in (${min}, ${max}], got ${JSON.stringify(value)}\nusage: ${usage}`);
  process.exit(2);
}
