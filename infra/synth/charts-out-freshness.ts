import { execFileSync } from 'node:child_process';
import { relative } from 'node:path';

/**
 * Paths under the generated `folders` that differ from the last commit (modified, added or
 * deleted), as `git status --porcelain` lines. CI re-synthesizes on a clean clone, so any line here
 * means what was committed was stale.
 */
export function uncommittedChartChanges(root: string, folders: readonly string[]): string[] {
  const output = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', ...folders.map((folder) => relative(root, folder))], {
    cwd: root,
    encoding: 'utf8',
  });
  return output.split('\n').filter((line) => line.trim() !== '');
}
