import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const TOOLS_LIST = join(__dirname, '..', '..', 'scripts', 'test-tools.txt');

/** The Debian package that ships `binary` (or `python3:<module>`), from the list `npm test`'s pretest installs. */
function debianPackageOf(binary: string): string {
  for (const line of readFileSync(TOOLS_LIST, 'utf8').split('\n')) {
    if (line.startsWith('#')) continue;
    const [debianPackage, ...binaries] = line.trim().split(/\s+/);
    if (debianPackage !== undefined && binaries.includes(binary)) return debianPackage;
  }
  throw new Error(`${binary} is not listed in scripts/test-tools.txt; add it to the line of its Debian package ("<package> <binary>...")`);
}

/**
 * The absolute path of a tool the tests run for real. A missing tool fails the test with the
 * command that installs it: these tests never skip.
 */
export function requireTool(binary: string): string {
  const debianPackage = debianPackageOf(binary);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  throw new Error(`${binary} is not installed; run: sudo apt-get update && sudo apt-get install -y ${debianPackage} (npm test's pretest does this as root)`);
}

/**
 * Debian's own Python interpreter (`/usr/bin/python3`, which the `python3-*` packages extend; a
 * pyenv or venv python3 earlier on PATH may lack them) once it imports `module`; a missing module
 * fails the test with the command that installs it.
 */
export function requirePythonModule(module: string): string {
  const need = `python3:${module}`;
  const debianPackage = debianPackageOf(need);
  const python = '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore', timeout: 15_000 });
  if (probe.status !== 0) {
    throw new Error(`the Python module ${module} is not installed for ${python}; run: sudo apt-get update && sudo apt-get install -y ${debianPackage} (npm test's pretest does this as root)`);
  }
  return python;
}

export interface ToolRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a Debian tool to completion, killed after `timeoutMs`; a non-zero exit is returned, not thrown. */
export function runTool(binary: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<ToolRun> {
  const path = requireTool(binary);
  return new Promise((resolve, reject) => {
    execFile(path, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 15_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(new Error(`${binary} ${args.join(' ')} did not finish: ${error.message}`));
        return;
      }
      resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}
