/**
 * The Disputes tab and the oversight dashboard as people see them, in Teams' light and dark themes:
 * the app in local mode with the tab tests' seeded disputes (tests/tab/seed.ts), opened in Debian
 * Chromium signed in as a directory person through the local issuer (`?as=`), as `npm start` offers.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, localhostOnly } from '../../tests/support/chromium.ts';
import { startConcordApp } from '../../tests/support/concord-app.ts';
import { seedDisputes } from '../../tests/tab/seed.ts';

export interface TabShot {
  readonly file: string;
  readonly title: string;
  readonly theme: 'light' | 'dark';
}

const VIEWS = [
  { name: 'disputes', title: 'Disputes: the signed-in person’s disputes', url: '/tab/?as=ane-team-manager' },
  {
    name: 'dispute',
    title: 'One dispute and its timeline',
    url: '/tab/?as=ane-team-manager',
    open: 'ANE-T-0101',
  },
  {
    name: 'dashboard',
    title: 'The partnership dashboard (oversight role)',
    url: '/tab/oversight?as=ane-practice-leadership&from=2027-01-01&to=2027-01-31',
  },
] as const;

/** Writes tab-<view>-<theme>.png into `out`; returns what it wrote, and lines that read badly. */
export async function shootTab(
  out: string,
  log: (line: string) => void,
): Promise<{ shots: TabShot[]; warnings: string[] }> {
  const w = await startConcordApp();
  let browser: Browser | undefined;
  const shots: TabShot[] = [];
  const warnings: string[] = [];
  try {
    await seedDisputes(w);
    browser = await launchBrowser();
    for (const view of VIEWS) {
      for (const theme of ['light', 'dark'] as const) {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, locale: 'en-GB' });
        await localhostOnly(page);
        const sep = view.url.includes('?') ? '&' : '?';
        await page.goto(`${w.url}${view.url}${sep}theme=${theme === 'light' ? 'default' : 'dark'}`);
        if (view.name === 'dashboard') await page.waitForSelector('table[data-table=totals]');
        else await page.waitForSelector('#disputes tbody tr');
        if ('open' in view) {
          await page.locator('#disputes a', { hasText: view.open }).click();
          await page.waitForSelector('#timeline tbody tr');
        }
        // Anything wider than its box (cut off, or scrolling sideways) reads badly.
        const wide = await page.evaluate(`Array.from(document.querySelectorAll('body *')).filter((el) =>
          el.scrollWidth > el.clientWidth + 1 && ['hidden', 'clip'].includes(getComputedStyle(el).overflowX)).length`);
        const file = `tab-${view.name}-${theme}.png`;
        if (Number(wide) > 0) warnings.push(`${file}: ${wide} element(s) cut off`);
        await page.screenshot({ path: path.join(out, file), fullPage: true });
        shots.push({ file, title: view.title, theme });
        log(`  wrote ${file}`);
        await page.close();
      }
    }
  } finally {
    await browser?.close();
    await w.close();
  }
  return { shots, warnings };
}
