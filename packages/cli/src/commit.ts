import { execFileSync } from 'node:child_process';

/**
 * The checked-out commit for a benchmark's record: its short hash, "(with uncommitted changes)" when tracked
 * files differ from it, or "unknown (not a git checkout)" outside one.
 */
export function commitLabel(): string {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const head = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
