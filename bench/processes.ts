import { execFileSync, spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';

/** Children run from the repository root so `node_modules` and `app/dist` resolve as in `npm start`. */
export const REPO_ROOT = join(__dirname, '..');

/** SIGTERM first so the gateway can flush its spans; anything still alive after this is killed. */
const STOP_GRACE_MS = 6000;
const KILL_WAIT_MS = 2000;
const STDERR_TAIL_BYTES = 8192;

/** Absolute path of an executable on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export interface SpawnOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** CPU list for `taskset -c`; ignored when taskset is absent. */
  readonly cpus?: string;
  /** Open-files limit (soft and hard) for the child, set through `prlimit`; see `canRaiseOpenFiles`. */
  readonly openFiles?: number;
  readonly env?: NodeJS.ProcessEnv;
  /** `ignore` sends stdout to /dev/null (the gateway's access log); `pipe` lets the caller read it. */
  readonly stdout: 'ignore' | 'pipe';
}

/** A child the bench owns: it is stopped by `stopAll` whatever happens to the run. */
export class Child {
  readonly process: ChildProcess;
  private stderrTail = '';
  private readonly exited: Promise<void>;

  constructor(readonly name: string, command: string, args: readonly string[], stdio: StdioOptions, env: NodeJS.ProcessEnv | undefined) {
    this.process = spawn(command, [...args], { stdio, env: env ?? process.env, cwd: REPO_ROOT });
    this.process.stderr?.setEncoding('utf8');
    this.process.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
    });
    this.exited = new Promise((resolve) => {
      this.process.once('exit', () => resolve());
      // A spawn failure (ENOENT) arrives as 'error' with no 'exit'; unheard, it would crash the bench.
      this.process.once('error', (error) => {
        this.stderrTail += `\nspawn failed: ${error.message}`;
        if (this.process.pid === undefined) resolve();
      });
    });
  }

  get pid(): number {
    if (this.process.pid === undefined) throw new Error(`${this.name} did not start: ${this.stderrTail.trim()}`);
    return this.process.pid;
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null && this.process.pid !== undefined;
  }

  /** What the child said on stderr and how it ended, for error messages. */
  describeExit(): string {
    const how = this.process.signalCode !== null ? `signal ${this.process.signalCode}` : `exit code ${this.process.exitCode}`;
    const tail = this.stderrTail.trim();
    return `${this.name} ended (${how})${tail === '' ? '' : `; stderr:\n${tail}`}`;
  }

  /** Rejects as soon as the child exits; race it against readiness checks. */
  async failOnExit(): Promise<never> {
    await this.exited;
    throw new Error(this.describeExit());
  }

  /** Bounded: SIGTERM, then SIGKILL after the grace period. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.process.kill('SIGTERM');
    if (await settlesWithin(this.exited, STOP_GRACE_MS)) return;
    process.stderr.write(`bench: ${this.name} (pid ${this.pid}) ignored SIGTERM for ${STOP_GRACE_MS} ms; killing it\n`);
    this.process.kill('SIGKILL');
    await settlesWithin(this.exited, KILL_WAIT_MS);
  }

  /** Last resort from the 'exit' handler, where only synchronous work runs. */
  killNow(): void {
    if (this.running) this.process.kill('SIGKILL');
  }

  /** Resolves with the first stdout line that parses as JSON; the bench's own servers announce their port this way. */
  firstJsonLine<T>(): Promise<T> {
    return this.jsonLine<T>(() => true);
  }

  /** Resolves with the first stdout line that parses as JSON and satisfies `accept`; rejects if the child exits first. */
  async jsonLine<T>(accept: (line: T) => boolean): Promise<T> {
    const stdout = this.process.stdout;
    if (stdout === null) throw new Error(`${this.name}: stdout is not piped`);
    const lines = createInterface({ input: stdout });
    const line = new Promise<T>((resolve) => {
      lines.on('line', (text) => {
        let parsed: T;
        try {
          parsed = JSON.parse(text) as T;
        } catch {
          return; // not JSON; keep reading
        }
        if (!accept(parsed)) return;
        resolve(parsed);
        lines.close();
      });
    });
    return Promise.race([line, this.failOnExit()]);
  }
}

const children = new Set<Child>();
const tasksetPath = findOnPath('taskset');
const prlimitPath = findOnPath('prlimit');

export const canPin = tasksetPath !== undefined;

/**
 * Whether a child can be started with `openFiles` descriptors: raising a hard limit takes
 * CAP_SYS_RESOURCE (root on a normal host; often not in a container). Returns why not, or undefined.
 */
export function openFilesRefusal(openFiles: number): string | undefined {
  if (prlimitPath === undefined) return 'prlimit not found';
  try {
    execFileSync(prlimitPath, [`--nofile=${openFiles}:${openFiles}`, 'true'], { stdio: ['ignore', 'ignore', 'pipe'] });
    return undefined;
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    return `prlimit --nofile=${openFiles}: ${stderr === '' ? (error as Error).message : stderr.replace(/^prlimit: /, '')}`;
  }
}

/**
 * Starts a child, under `taskset -c` when a CPU list is given and taskset exists, and under
 * `prlimit` when an open-files limit is. Both exec, so the pid is the child's own.
 */
export function spawnChild(options: SpawnOptions): Child {
  let command = options.command;
  let args = options.args;
  if (options.openFiles !== undefined) {
    if (prlimitPath === undefined) throw new Error(`${options.name}: prlimit not found, cannot set the open-files limit`);
    [command, args] = [prlimitPath, [`--nofile=${options.openFiles}:${options.openFiles}`, command, ...args]];
  }
  if (options.cpus !== undefined && tasksetPath !== undefined) [command, args] = [tasksetPath, ['-c', options.cpus, command, ...args]];
  // stdin is a pipe the child never reads: the bench's own servers exit when it closes, so they
  // cannot outlive a bench that was killed with SIGKILL.
  const child = new Child(options.name, command, args, ['pipe', options.stdout, 'pipe'], options.env);
  children.add(child);
  void child.failOnExit().catch(() => children.delete(child));
  return child;
}

/** Moves every thread of an already running process (the bench itself) onto `cpus`. */
export function pinProcess(pid: number, cpus: string): void {
  if (tasksetPath !== undefined) execFileSync(tasksetPath, ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => child.stop()));
}

let stopping: Promise<void> | undefined;

/**
 * Ctrl-C, SIGTERM and crashes all end with every child stopped. The 'exit' handler covers
 * paths that skip the async cleanup (process.exit from elsewhere).
 */
export function stopChildrenOnExit(): void {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      if (stopping !== undefined) {
        process.stderr.write(`bench: second ${signal}: killing children\n`);
        process.exit(code);
      }
      process.stderr.write(`bench: ${signal}: stopping children\n`);
      stopping = stopAll().finally(() => process.exit(code));
    });
  }
  process.on('exit', () => {
    for (const child of children) child.killNow();
  });
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = await Promise.race([promise.then(() => true as const), timeout]);
  clearTimeout(timer);
  return settled;
}
