import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Closer = () => Promise<unknown> | unknown;

/**
 * Collects things a test started and closes them in reverse order whether the test passed or
 * not: after each test, or with `'all'` after the file's tests, for what a `beforeAll` started.
 */
export function useCleanup(scope: 'each' | 'all' = 'each'): <T extends { close?: Closer; stop?: Closer }>(resource: T) => T {
  const closers: Closer[] = [];
  (scope === 'each' ? afterEach : afterAll)(async () => {
    const pending = closers.splice(0).reverse();
    for (const close of pending) await close();
  });
  return (resource) => {
    const close = resource.stop ?? resource.close;
    if (close) closers.push(() => close.call(resource));
    return resource;
  };
}

/** A temporary folder made before the file's tests and removed after them; call the result for its path. */
export function useTempDir(prefix: string): () => string {
  let dir: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined) throw new Error('useTempDir: the folder exists only inside tests and hooks');
    return dir;
  };
}
