import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'install-test-tools.sh');

// The script runs against fakes of the tools it drives (apt-get, dpkg, id and the service
// helpers), first on PATH: each appends its arguments to calls.log, so the test reads what the
// script asked of the system without changing the machine it runs on.
let dir: string;
let bin: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'uag-tools-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
  fake('id', 'echo "${FAKE_UID:-0}"');
  fake('dpkg', `case "$2" in
    redis-server) printf '/.\\n/etc/init.d\\n/etc/init.d/redis-server\\n/lib/systemd/system/redis-server.service\\n/lib/systemd/system/redis-server@.service\\n/usr/bin/redis-server\\n' ;;
    prometheus) printf '/lib/systemd/system/prometheus.service\\n/usr/bin/prometheus\\n/usr/bin/promtool\\n' ;;
  esac`);
  fake('deb-systemd-helper', 'true');
  fake('update-rc.d', 'true');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** An executable `name` in the fake bin folder: logs its arguments, then runs `body`. */
function fake(name: string, body: string): void {
  const path = join(bin, name);
  writeFileSync(path, `#!/bin/bash\necho "${name} $*" >> "${join(dir, 'calls.log')}"\n${body}\n`);
  chmodSync(path, 0o755);
}

function calls(): string[] {
  const log = join(dir, 'calls.log');
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter((line) => !line.startsWith('id ')) : [];
}

function run(list: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const listFile = join(dir, 'test-tools.txt');
  writeFileSync(listFile, list);
  return new Promise((resolve) => {
    execFile(
      'bash',
      [SCRIPT],
      {
        timeout: 20_000,
        env: {
          PATH: `${bin}:${process.env.PATH ?? ''}`,
          TEST_TOOLS_LIST: listFile,
          TEST_TOOLS_POLICY_RC_D: join(dir, 'policy-rc.d'),
          TEST_TOOLS_LOCK_WAIT_SECONDS: '20',
          ...env,
        },
      },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
    );
  });
}

// Binaries no machine has, so every package in these lists counts as missing.
const LIST = [
  '# comment',
  'prometheus uag-test-absent-prometheus uag-test-absent-promtool',
  'redis-server uag-test-absent-redis-server',
  'coreutils ls',
  '',
].join('\n');

describe('scripts/install-test-tools.sh', () => {
  it('installs each missing package once, quietly, never a package whose binaries are present', async () => {
    fake('apt-get', 'echo "Reading package lists... lots of dpkg output"');
    const result = await run(LIST);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      'test tools: installing prometheus redis-server\ntest tools: installed prometheus redis-server (services neither started nor enabled at boot)\n',
    );
    const aptCalls = calls().filter((line) => line.startsWith('apt-get'));
    // dpkg's own lock wait is what is left of the 20 s.
    expect(aptCalls).toEqual([
      expect.stringMatching(/^apt-get -o DPkg::Lock::Timeout=(19|20) update -q$/),
      expect.stringMatching(/^apt-get -o DPkg::Lock::Timeout=(19|20) install -y -q --no-install-recommends prometheus redis-server$/),
    ]);
  });

  it('keeps the services it installed from starting (policy-rc.d during the install, removed after) and disables them for boot', async () => {
    const policy = join(dir, 'policy-rc.d');
    fake('apt-get', `[ "$3" = install ] && cat "${policy}" > "${join(dir, 'policy-during-install')}"; true`);
    expect((await run(LIST)).code).toBe(0);
    expect(readFileSync(join(dir, 'policy-during-install'), 'utf8')).toMatch(/\nexit 101\n$/);
    expect(existsSync(policy)).toBe(false);
    expect(calls().filter((line) => !line.startsWith('apt-get'))).toEqual([
      'dpkg -L prometheus',
      'deb-systemd-helper disable prometheus.service',
      'dpkg -L redis-server',
      'update-rc.d redis-server disable',
      'deb-systemd-helper disable redis-server.service',
    ]);
  });

  it('leaves a policy-rc.d it did not write in place', async () => {
    const policy = join(dir, 'policy-rc.d');
    writeFileSync(policy, '#!/bin/sh\nexit 0\n');
    fake('apt-get', 'true');
    expect((await run(LIST)).code).toBe(0);
    expect(readFileSync(policy, 'utf8')).toBe('#!/bin/sh\nexit 0\n');
  });

  it('waits while another package manager holds a lock, then installs', async () => {
    // The first two runs find the lists lock held, as `apt-get update` does while unattended-upgrades runs.
    const attempts = join(dir, 'attempts');
    fake(
      'apt-get',
      `n=$(cat "${attempts}" 2>/dev/null || echo 0); echo $((n + 1)) > "${attempts}"
      if [ "$n" -lt 2 ]; then echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)" >&2; exit 100; fi`,
    );
    const result = await run(LIST);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('test tools: another package manager holds a lock (/var/lib/apt/lists/lock); waiting up to 20 s\n');
    expect(calls().filter((line) => line.includes(' update '))).toHaveLength(3);
  });

  it('gives up on a lock held past the wait, printing apt-get\'s output', async () => {
    fake('apt-get', 'echo "E: Could not get lock /var/cache/apt/archives/lock. It is held by process 4242 (apt-get)" >&2; exit 100');
    const result = await run(LIST, { TEST_TOOLS_LOCK_WAIT_SECONDS: '3' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('E: Could not get lock /var/cache/apt/archives/lock. It is held by process 4242 (apt-get)\ntest tools: apt-get update -q failed (output above)\n');
  });

  it('prints apt-get\'s output when the install fails, and nothing of it when it succeeds', async () => {
    fake('apt-get', '[ "$3" = install ] && { echo "E: Unable to locate package redis-server"; exit 100; }; echo "Hit:1 http://deb.debian.org/debian bookworm InRelease"');
    const result = await run(LIST);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('E: Unable to locate package redis-server\ntest tools: apt-get install -y -q --no-install-recommends prometheus redis-server failed (output above)\n');
    expect(result.stdout).not.toContain('Hit:1');
  });

  it('without root, installs nothing and says what to run', async () => {
    fake('apt-get', 'true');
    const result = await run(LIST, { FAKE_UID: '1000' });
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe('test tools missing: prometheus redis-server; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends prometheus redis-server\n');
    expect(calls()).toEqual([]);
  });

  it('lists each Debian package once in scripts/test-tools.txt', () => {
    const packages = readFileSync(join(__dirname, '..', '..', 'scripts', 'test-tools.txt'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      .map((line) => line.split(/\s+/)[0]);
    expect(packages).toEqual([...new Set(packages)]);
  });
});
