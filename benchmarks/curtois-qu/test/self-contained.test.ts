/**
 * A clone is complete: no tracked file refers to a path outside the repository. Relative references
 * (a run of parent steps) are resolved from the file's own folder and must stay inside the root; the
 * folder the project's machines keep beside the repository is named nowhere. This test lives with the
 * benchmark whose data once came from beside the repository.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../../../', import.meta.url)));

/** Tracked files, from git (CI and developers always run from a clone). */
function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return out.split('\0').filter((f) => f.length > 0);
}

// pnpm's lockfile writes links relative to each workspace package, not to the lockfile: pnpm checks those itself.
const SKIP = new Set(['pnpm-lock.yaml']);
const PARENT_RUN = /(?:^|[^.\w])((?:\.\.[/\\])+)/g;
// The sibling folder of the project's machines, written with its first letter apart so this file does not name it.
const SIBLING = new RegExp(`\\b${'s'}hared[/\\\\](?:benchmarks|docs|hooks)\\b`);

/** Every reference in `text` (a file at `file`, relative to the root) that climbs out of the root or names the sibling folder. */
function escapes(file: string, text: string): string[] {
  const found: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    for (const m of line.matchAll(PARENT_RUN)) {
      const target = resolve(root, dirname(file), m[1]!);
      const rel = relative(root, target);
      if (rel === '..' || rel.startsWith(`..${sep}`)) found.push(`${file}:${i + 1}: ${line.trim().slice(0, 160)}`);
    }
    if (SIBLING.test(line)) found.push(`${file}:${i + 1}: ${line.trim().slice(0, 160)}`);
  });
  return found;
}

t.test('no tracked file refers to a path outside the repository', async (t) => {
  const files = trackedFiles().filter((f) => !SKIP.has(f));
  t.ok(files.length > 100, `git lists the tracked files (${files.length})`);
  const found: string[] = [];
  for (const file of files) {
    const bytes = readFileSync(join(root, file));
    if (bytes.includes(0)) continue; // binary
    found.push(...escapes(file, bytes.toString('utf8')));
  }
  t.same(found, [], 'references that climb out of the repository root');
});

t.test('the check itself finds what it must and only that', async (t) => {
  const up = '../';
  t.same(escapes('README.md', `see ${up}other/docs.md`).length, 1, 'one step up from the root');
  t.same(escapes('a/b/c/x.ts', `new URL('${up.repeat(4)}x/', import.meta.url)`).length, 1, 'four steps up from three folders down');
  t.same(escapes('a/b/c/x.ts', `new URL('${up.repeat(3)}x/', import.meta.url)`), [], 'three steps up from three folders down stays at the root');
  t.same(escapes('a/b.ts', `import x from '${up}c.js';`), [], 'a sibling module');
  t.same(escapes('a/b.md', `in ${'s'}hared/benchmarks/x`).length, 1, 'the sibling folder by name');
  t.same(escapes('a/b.ts', 'range 1..5/2'), [], 'two dots that are not a path');
});
