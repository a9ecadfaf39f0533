/**
 * Issue 13, the in-Teams sign-in path: the Disputes tab framed by a page at a Microsoft host origin
 * (https://teams.microsoft.com, served to Chromium by request interception, see teams-host.ts), so
 * the tab's real teams-js 2.x code does its real origin check, `app.initialize()`, `app.getContext()`
 * and `authentication.getAuthToken()`; the host answers with a token from the local Microsoft 365's
 * issuer, and the server checks it with jose as it would Entra's. No local "sign in as" route is
 * involved: the page never calls /tab/local/.
 * - In Teams, the Team Manager sees their disputes, in the theme Teams reports, and a theme change
 *   from Teams restyles the tab.
 * - A token for another audience is refused by the server (401) and the tab says Teams could not
 *   sign them in.
 * - The same host page at an origin teams-js does not trust (but the tab's frame-ancestors allows)
 *   gets nothing past `initialize` from the tab's teams-js: no token is asked for, the API is never
 *   called. At an origin outside Microsoft's the tab's Content-Security-Policy refuses to be framed.
 * Teams loads the tab from a public HTTPS URL; here that origin (https://concord.example) is
 * proxied to the app on localhost by the host page's request interception.
 */

import { existsSync } from 'node:fs';
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, CHROMIUM, launchBrowser } from '../support/chromium.ts';
import { type ConcordApp, startConcordApp } from '../support/concord-app.ts';
import { seedDisputes } from './seed.ts';
import { openInTeamsHost } from './teams-host.ts';

declare const document: { body: { className: string } };

const SKIP = browserUnavailable();
if (SKIP) console.warn(`SKIPPED: the tab's in-Teams sign-in tests: ${SKIP}`);

let w: ConcordApp;
let browser: Browser;
let clientId: string;

/** A delegated token from the local issuer, as Entra issues Teams SSO tokens. */
const issue = (email: string, audience: string) =>
  w.h
    .admin<{ access_token: string }>('POST', '/tokens', { clientId, audience, user: { email } })
    .then((t) => t.access_token);
/** The tab's Application ID URI: the manifest's webApplicationInfo.resource for this PUBLIC_URL. */
const resource = () => `api://${new URL(w.url).host}/${clientId}`;
/** Where Teams loads the tab from: a public HTTPS address, proxied to the app (teams-host.ts). */
const TAB_URL = 'https://concord.example/tab/';
const TM_EMAIL = () => w.app.directory.person('ane-team-manager')?.email ?? '';

describe.skipIf(SKIP !== null)('the Disputes tab inside a Teams host page (teams-js SSO)', () => {
  beforeAll(async () => {
    w = await startConcordApp();
    clientId = w.h.m365.clients[0]?.clientId ?? '';
    await seedDisputes(w);
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await w?.close();
  }, 30_000);

  it('signs the Team Manager in through getAuthToken, in the theme Teams reports, and follows a theme change', async () => {
    const asked: (readonly string[] | null)[] = [];
    const host = await openInTeamsHost(browser, {
      contentUrl: TAB_URL,
      server: w.url,
      theme: 'dark',
      token: async (resources) => {
        asked.push(resources);
        return issue(TM_EMAIL(), resource());
      },
    });
    const apiCalls: string[] = [];
    host.page.on('request', (r: Request) => {
      if (r.url().startsWith('https://concord.example/'))
        apiCalls.push(`${new URL(r.url()).pathname} ${r.headers().authorization ? 'bearer' : 'none'}`);
    });
    const tab = await host.tab();
    await tab.waitForSelector('#disputes tbody tr', { timeout: 20_000 });
    expect(await tab.textContent('#who')).toContain('Team Manager, Adopt North East');
    const refs = await tab.$$eval('#disputes [data-col=case]', (cells) => cells.map((c) => c.textContent));
    expect(refs.sort()).toEqual(['ANE-T-0101', 'ANE-T-0102', 'ANE-T-0103', 'ANE-T-0104']);
    // The messages teams-js sent to the host, in the order the tab's code makes them.
    const received = await host.received();
    expect(received.slice(0, 2)).toEqual(['initialize', 'getContext']);
    expect(received).toContain('authentication.getAuthToken');
    expect(asked).toEqual([null]);
    // Every API call carried the bearer token; the local sign-in route was not used.
    expect(apiCalls.filter((c) => c.startsWith('/tab/api/'))).toEqual([
      '/tab/api/me bearer',
      '/tab/api/disputes bearer',
    ]);
    expect(apiCalls.some((c) => c.startsWith('/tab/local/'))).toBe(false);
    // The theme from the context, then Teams' theme change.
    expect(await tab.evaluate(() => document.body.className)).toBe('theme-dark');
    await host.changeTheme('contrast');
    await tab.waitForFunction(() => document.body.className === 'theme-contrast');
    await host.page.close();
  });

  it('a token for another audience is refused by the server, and the tab says Teams could not sign in', async () => {
    const host = await openInTeamsHost(browser, {
      contentUrl: TAB_URL,
      server: w.url,
      token: () => issue(TM_EMAIL(), `api://elsewhere.example/${clientId}`),
    });
    const statuses: number[] = [];
    host.page.on('response', (r) => {
      if (r.url().includes('/tab/api/')) statuses.push(r.status());
    });
    const tab = await host.tab();
    await tab.waitForFunction(
      () =>
        /Teams could not sign you in/.test(
          (
            globalThis as unknown as { document: { getElementById(id: string): { textContent: string } } }
          ).document.getElementById('status').textContent,
        ),
      undefined,
      { timeout: 20_000 },
    );
    expect(await tab.textContent('#status')).toBe(
      "Teams could not sign you in: the token's aud claim is not accepted",
    );
    expect(statuses).toEqual([401]);
    expect(await tab.$('#disputes')).toBeNull();
    await host.page.close();
  });

  it('from an origin teams-js does not trust, the tab answers nothing and asks for no token', async () => {
    let asked = 0;
    const host = await openInTeamsHost(browser, {
      contentUrl: TAB_URL,
      server: w.url,
      // Allowed to frame the tab by its Content-Security-Policy (*.office.com), but not a host
      // teams-js talks to.
      hostOrigin: 'https://evil.office.com',
      token: async () => {
        asked++;
        return issue(TM_EMAIL(), resource());
      },
    });
    const apiCalls: string[] = [];
    host.page.on('request', (r) => {
      if (r.url().includes('/tab/api/')) apiCalls.push(r.url());
    });
    const tab = await host.tab();
    await tab.waitForLoadState('load');
    // teams-js ignores the host's answer to initialize, so nothing after it is sent.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await host.received()).toEqual(['initialize']);
    expect(asked).toBe(0);
    expect(apiCalls).toEqual([]);
    expect(await tab.$('#disputes')).toBeNull();
    await host.page.close();
  });

  it("a page outside Microsoft's hosts may not frame the tab at all (frame-ancestors)", async () => {
    const host = await openInTeamsHost(browser, {
      contentUrl: TAB_URL,
      server: w.url,
      hostOrigin: 'https://teams.microsoft.com.evil.example',
      token: () => issue(TM_EMAIL(), resource()),
    });
    const tab = await host.tab();
    await tab.waitForLoadState('load');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await host.received()).toEqual([]);
    expect(await tab.$('#main')).toBeNull();
    await host.page.close();
  });
});

describe.skipIf(SKIP === null)('the in-Teams sign-in tests: cannot run here', () => {
  it('needs Debian Chromium', (ctx) => {
    if (process.env.CI === 'true' && existsSync(CHROMIUM))
      throw new Error(`CI=true and ${CHROMIUM} is present, but the in-Teams tests cannot run: ${SKIP}`);
    ctx.skip(`SKIPPED: ${SKIP}`);
  });
});
