/**
 * A stand-in for the Teams web client, for the tab's in-Teams sign-in path. The page is served (by
 * Playwright's request interception, so nothing leaves the machine) at a Microsoft host origin,
 * `https://teams.microsoft.com`, one of the origins teams-js accepts messages from, and frames the
 * tab's content URL as Teams does. It answers the teams-js host protocol the tab uses: the
 * `initialize` handshake, `getContext`, `registerHandler`, and `authentication.getAuthToken`, for
 * which it asks the test (an exposed function) for a token: in the tests, one from the local
 * Microsoft 365's issuer, as Entra would issue it. It records every message it receives and can
 * push a theme change, as Teams does when the person switches theme.
 *
 * The message shapes are teams-js's own (a request `{id, uuidAsString, func, args}`, a response
 * `{id, uuidAsString, args}`), read from @microsoft/teams-js's communication code.
 */
import type { Browser, Page } from 'playwright-core';

/** One origin teams-js trusts (its bundled validOrigins list). */
export const TEAMS_ORIGIN = 'https://teams.microsoft.com';

export interface HostOptions {
  /** The tab's content URL as Teams sees it (the manifest's staticTabs contentUrl): a public HTTPS URL. */
  readonly contentUrl: string;
  /** The local server the tab's origin is proxied to (Concord's http://localhost:PORT). */
  readonly server: string;
  /** Where the host page is served; default the Teams web client's origin. */
  readonly hostOrigin?: string;
  /** The theme the host reports in the context. */
  readonly theme?: 'default' | 'dark' | 'contrast';
  /** The token the host hands back for `authentication.getAuthToken` (the request's resources). */
  readonly token: (resources: readonly string[] | null) => Promise<string>;
}

export interface TeamsHost {
  readonly page: Page;
  /** The tab's frame. */
  tab(): Promise<import('playwright-core').Frame>;
  /** The `func` of every message the host received from the tab, in order. */
  received(): Promise<string[]>;
  /** Tells the tab the theme changed, as Teams does. */
  changeTheme(theme: 'default' | 'dark' | 'contrast'): Promise<void>;
}

const HOST_SCRIPT = `
(() => {
  const frame = document.getElementById('tab');
  const tabOrigin = new URL(frame.src).origin;
  window.__received = [];
  const context = JSON.parse(document.body.dataset.context);
  const runtime = JSON.stringify({
    apiVersion: 4,
    hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
    isLegacyTeams: false,
    supports: { app: {}, appEntity: {}, appInstallDialog: {}, pages: { appButton: {}, tabs: {}, config: {}, backStack: {}, fullTrust: {} }, teams: { fullTrust: {} } },
  });
  const answer = (request, args) =>
    frame.contentWindow.postMessage({ id: request.id, uuidAsString: request.uuidAsString, args }, tabOrigin);
  window.addEventListener('message', async (event) => {
    if (event.source !== frame.contentWindow || event.origin !== tabOrigin) return;
    const request = event.data;
    if (!request || typeof request.func !== 'string') return;
    window.__received.push(request.func);
    switch (request.func) {
      case 'initialize':
        return answer(request, ['content', 'web', runtime, '2.0.0']);
      case 'getContext':
        return answer(request, [context]);
      case 'authentication.getAuthToken':
        try {
          return answer(request, [true, await window.hostToken(request.args[0] ?? null)]);
        } catch (error) {
          return answer(request, [false, String(error && error.message || error)]);
        }
      case 'executeDeepLink':
        window.__deepLinks = [...(window.__deepLinks || []), request.args[0]];
        return answer(request, [true]);
      default:
        return; // registerHandler, appInitialization.* and telemetry need no answer
    }
  });
  window.__theme = (theme) => frame.contentWindow.postMessage({ func: 'themeChange', args: [theme] }, tabOrigin);
})();
`;

function hostPage(contentUrl: string, context: object): string {
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Microsoft Teams</title></head>
<body data-context="${attr(JSON.stringify(context))}">
<iframe id="tab" title="Disputes" src="${attr(contentUrl)}" style="width:1180px;height:860px;border:0"></iframe>
<script>${HOST_SCRIPT}</script>
</body></html>`;
}

/**
 * Opens the host page in a new page of `browser`. Requests to the host origin get the host page;
 * requests to the tab's origin are proxied to the local server (with their headers and body, and
 * the server's answer as it is, Content-Security-Policy included), as a public HTTPS tab would be
 * reached (Chromium refuses to let a public page frame localhost itself: Local Network Access);
 * everything else (teams-js's CDN list of valid origins among them: it then uses its bundled list)
 * is refused.
 */
export async function openInTeamsHost(browser: Browser, options: HostOptions): Promise<TeamsHost> {
  const hostOrigin = options.hostOrigin ?? TEAMS_ORIGIN;
  const tabOrigin = new URL(options.contentUrl).origin;
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const context = {
    theme: options.theme ?? 'default',
    locale: 'en-gb',
    entityId: 'disputes',
    hostClientType: 'web',
    hostName: 'Teams',
    frameContext: 'content',
    appSessionId: 'b2f6a1c4-4f0e-4a52-9a4b-7c1d2e3f4a5b',
  };
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === hostOrigin && route.request().resourceType() === 'document')
      return route.fulfill({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: hostPage(options.contentUrl, context),
      });
    if (url.origin === tabOrigin)
      return route
        .fetch({ url: `${options.server}${url.pathname}${url.search}`, maxRedirects: 0 })
        .then((response) => route.fulfill({ response }));
    return route.abort();
  });
  await page.exposeFunction('hostToken', (resources: string[] | null) => options.token(resources));
  await page.goto(`${hostOrigin}/v2/`);
  return {
    page,
    async tab() {
      const handle = await page.waitForSelector('#tab');
      const frame = await handle.contentFrame();
      if (!frame) throw new Error('the tab frame did not load');
      return frame;
    },
    received: () => page.evaluate(() => (globalThis as unknown as { __received: string[] }).__received),
    changeTheme: (theme) =>
      page.evaluate((t) => (globalThis as unknown as { __theme: (t: string) => void }).__theme(t), theme),
  };
}
