import { execFileSync } from 'node:child_process';
import { relative } from 'node:path';

/**
 * Paths under `outdir` that differ from the last commit (modified, added or deleted), as
 * `git status --porcelain` lines. CI re-synthesizes on a clean clone, so any line here means the
 * committed charts-out/ was stale.
 */
export function uncommittedChartChanges(root: string, outdir: string): string[] {
  const output = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', relative(root, outdir)], {
    cwd: root,
    encoding: 'utf8',
  });
  return output.split('\n').filter((line) => line.trim() !== '');
}
