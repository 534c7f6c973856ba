/** The commit a build is made from, for `skiff version`. */
import { spawnSync } from 'node:child_process';

/**
 * Returns `git rev-parse HEAD` of `root`, with "-dirty" when tracked files differ from
 * it, or "unknown" outside a git work tree.
 */
export function gitCommit(root: string): string {
  const git = (...args: string[]): string | undefined => {
    const result = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
    return result.status === 0 ? result.stdout.trim() : undefined;
  };
  const sha = git('rev-parse', 'HEAD');
  if (sha === undefined || sha === '') return 'unknown';
  const changes = git('status', '--porcelain', '--untracked-files=no');
  return changes === undefined || changes !== '' ? `${sha}-dirty` : sha;
}
