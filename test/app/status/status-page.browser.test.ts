import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { useTempDir } from '../../helpers/cleanup';
import { launchChromium } from '../../helpers/headless-chromium';
import { onCleanup } from '../../support/edge-harness';
import { startStatusFixture, type StatusFixture } from '../../support/status-fixture';

/** Where the screenshots go; the README's is copied from here (docs/status-page.png). */
export const SCREENSHOT_FOLDER = join(__dirname, '..', '..', '..', '.tmp', 'test-output', 'status-page');
const tempDir = useTempDir('uag-status-page-');

async function fixtureAndBrowser(javaScriptEnabled: boolean): Promise<{ fixture: StatusFixture; page: Page; errors: string[] }> {
  const fixture = await startStatusFixture(tempDir());
  const browser = await launchChromium({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
  onCleanup(() => browser.close());
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${fixture.gateway.adminUrl}/`);
  return { fixture, page, errors };
}

const texts = (page: Page, selector: string) => page.locator(selector).allTextContents();

describe('the status page in Chromium', () => {
  test('without JavaScript the first paint shows the routes, breaker states, connection counts and reloads the gateway has', async () => {
    const { fixture, page } = await fixtureAndBrowser(false);
    expect(await page.locator('[data-phase]').getAttribute('data-phase')).toBe('serving');
    expect(await page.locator('#routes tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-route')))).toEqual(['users', 'payments', 'admin', 'chat', 'orders']);
    expect(await page.locator(`#upstreams tr[data-upstream="${fixture.origins.payments}"]`).getAttribute('data-breaker')).toBe('open');
    expect(await texts(page, '#tile-websocket .value')).toEqual(['2']);
    expect(await texts(page, '#tile-tcp .value')).toEqual(['1']);
    expect(await page.locator('#reloads > li').evaluateAll((items) => items.map((item) => item.getAttribute('data-result')))).toEqual(['rejected', 'applied']);
    const problems = (await texts(page, '#problems li')).join('\n');
    expect(problems).toContain('The route table file was rejected');
    expect(problems).toContain(`Circuit breaker open for ${fixture.origins.payments}`);
    expect(problems).toContain('Route payments answers 100 % errors');
    expect(await page.locator('tr[data-route="users"] td[data-label="limits"]').textContent()).toContain('1000/s burst 1000 per ip');
    expect(await page.locator('tr[data-route="admin"] td[data-label="auth"]').textContent()).toBe('jwtrole admin');
    expect(await page.locator('[data-checksum]').getAttribute('data-checksum')).toBe(fixture.gateway.gateway.routes.current.checksum);
    const html = await page.content();
    expect(html).not.toContain(fixture.secrets.redisPassword);
  });

  test('with JavaScript it refreshes itself (a new WebSocket appears without a reload); on a phone nothing scrolls sideways; screenshots', async () => {
    const { fixture, page, errors } = await fixtureAndBrowser(true);
    mkdirSync(SCREENSHOT_FOLDER, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_FOLDER, 'desktop.png'), fullPage: true });
    // Gone if the page navigated: the refresh must swap content, not reload.
    await page.evaluate('window.loadedOnce = true');

    await fixture.openWebSocket();
    await page.locator('#tile-websocket .value', { hasText: /^3$/ }).waitFor({ timeout: 8000 });
    expect(await page.evaluate('window.loadedOnce')).toBe(true);

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await page.locator('tr[data-route="users"] th').isVisible()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_FOLDER, 'phone.png'), fullPage: true });
    // The page's own script ran under its Content-Security-Policy, and nothing failed.
    expect(errors).toEqual([]);
  });
});
