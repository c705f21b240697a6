import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import { requireTool } from './debian-tool';

/**
 * Flags for Debian's Chromium on a machine without network or GPU: no background networking,
 * component updates or sync (each of them otherwise tries hosts this machine cannot reach, many at
 * a time), no QUIC, no first-run UI; --no-sandbox because the tests run as root.
 */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface HeadlessChromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Debian's /usr/bin/chromium driven by playwright-core, with a fresh profile folder removed on
 * close. Fails (never skips) when Chromium is missing: scripts/install-test-tools.sh installs it.
 */
export async function launchChromium(options: BrowserContextOptions = {}): Promise<HeadlessChromium> {
  const executablePath = requireTool('chromium');
  const profile = mkdtempSync(join(tmpdir(), 'uag-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, args: CHROMIUM_FLAGS, headless: true, timeout: 30_000, ...options });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
