/**
 * Renders Adaptive Cards and emails to PNG in headless Debian Chromium: a card with the
 * adaptivecards browser bundle, Teams' host config and stylesheet for the theme, at the width of a
 * card in a Teams chat, with TextBlock markdown through markdown-it as Teams renders it; an email's
 * HTML in a sandboxed frame (no scripts), under the header lines Outlook shows.
 */
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, localhostOnly } from '../../tests/support/chromium.ts';
import type { TeamsTheme, Theme } from './teams-host-config.ts';

const require = createRequire(import.meta.url);
const BUNDLES = {
  adaptiveCards: require.resolve('adaptivecards/dist/adaptivecards.min.js'),
  markdownIt: require.resolve('markdown-it/dist/markdown-it.min.js'),
};

/** A card in a Teams desktop chat is at most about this wide (the chromium card tests use it too). */
export const TEAMS_CARD_WIDTH = 480;
/** Outlook's reading pane, roughly. */
export const EMAIL_WIDTH = 680;

const PAGE_SCRIPT = `
window.renderCard = function (json, hostConfig) {
  var md = window.markdownit({ html: false, linkify: true });
  window.AdaptiveCards.AdaptiveCard.onProcessMarkdown = function (text, result) {
    result.outputHtml = md.render(text);
    result.didProcess = true;
  };
  var card = new window.AdaptiveCards.AdaptiveCard();
  card.hostConfig = new window.AdaptiveCards.HostConfig(hostConfig);
  card.parse(json);
  var root = document.getElementById('root');
  root.replaceChildren(card.render());
  var overflow = Array.from(root.querySelectorAll('*')).filter(function (el) {
    return el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible';
  }).length;
  var cutButtons = Array.from(root.querySelectorAll('button')).filter(function (b) {
    return Array.from(b.querySelectorAll('*')).concat([b]).some(function (x) { return x.scrollWidth > x.clientWidth + 1; });
  }).map(function (b) { return b.innerText.trim(); });
  return { text: root.innerText, overflow: overflow, cutButtons: cutButtons };
};
`;

export interface CardShot {
  readonly text: string;
  /** Elements whose content is wider than they are (cut off, or scrolled sideways). */
  readonly overflow: number;
  /** Buttons whose title does not fit (Teams ends it with "…"). */
  readonly cutButtons: readonly string[];
}

export interface Renderer {
  /** Renders the card and, given a file, screenshots it there. */
  card(json: unknown, theme: Theme, file?: string): Promise<CardShot>;
  email(
    mail: { from: string; to: string; subject: string; importance: string; html: string },
    file: string,
  ): Promise<void>;
  close(): Promise<void>;
}

export async function createRenderer(themes: Record<Theme, TeamsTheme>): Promise<Renderer> {
  const browser: Browser = await launchBrowser();
  const pages = new Map<Theme, Page>();
  for (const theme of ['light', 'dark'] as const) {
    const t = themes[theme];
    const page = await browser.newPage({
      viewport: { width: TEAMS_CARD_WIDTH + 48, height: 900 },
      deviceScaleFactor: 1,
      locale: 'en-GB',
    });
    await localhostOnly(page);
    await page.setContent(
      `<!doctype html><html><head><meta charset="utf-8"><style>${t.css}
body{margin:0;padding:16px;background:${t.page};font-family:"Segoe UI",system-ui,sans-serif}
#root{width:${TEAMS_CARD_WIDTH}px;background:${t.card};overflow:hidden}
</style></head><body><div id="root" class="teams-card"></div></body></html>`,
    );
    await page.addScriptTag({ path: BUNDLES.markdownIt });
    await page.addScriptTag({ path: BUNDLES.adaptiveCards });
    await page.addScriptTag({ content: PAGE_SCRIPT });
    pages.set(theme, page);
  }
  const mailPage = await browser.newPage({
    viewport: { width: EMAIL_WIDTH + 32, height: 900 },
    deviceScaleFactor: 1,
    locale: 'en-GB',
  });
  await localhostOnly(mailPage);

  return {
    async card(json, theme, file) {
      const page = pages.get(theme);
      if (!page) throw new Error(theme);
      const hostConfig = themes[theme].hostConfig;
      const shot = (await page.evaluate(
        ([card, config]) =>
          (globalThis as unknown as { renderCard(j: unknown, h: unknown): CardShot }).renderCard(
            card,
            config,
          ),
        [json, hostConfig] as const,
      )) as CardShot;
      if (file) await page.locator('#root').screenshot({ path: file });
      return shot;
    },
    async email(mail, file) {
      const esc = (s: string) =>
        s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
      const header = [
        `<div class="subject">${esc(mail.subject)}</div>`,
        `<div><b>From</b> ${esc(mail.from)}</div>`,
        `<div><b>To</b> ${esc(mail.to)}</div>`,
        mail.importance === 'high'
          ? '<div class="high">! This message was sent with High importance.</div>'
          : '',
      ].join('');
      await mailPage.setContent(
        `<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;padding:16px;background:#f3f2f1;font-family:"Segoe UI",system-ui,sans-serif;font-size:14px;color:#242424}
#mail{width:${EMAIL_WIDTH}px;background:#fff;border:1px solid #e1dfdd}
.head{padding:12px 16px;border-bottom:1px solid #e1dfdd;line-height:1.6}
.subject{font-size:18px;font-weight:600;margin-bottom:4px}
.high{color:#a4262c;margin-top:4px}
iframe{border:0;width:100%;display:block}
</style></head><body><div id="mail"><div class="head">${header}</div>
<iframe sandbox="allow-same-origin" srcdoc="${esc(mail.html)}"></iframe></div></body></html>`,
      );
      // The frame runs no script; the page sizes it to its content (same origin, read from outside).
      await mailPage.evaluate(`(async () => {
        const frame = document.querySelector('iframe');
        if (!frame.contentDocument || !frame.contentDocument.body || frame.contentDocument.readyState !== 'complete')
          await new Promise((r) => frame.addEventListener('load', r, { once: true }));
        frame.style.height = (frame.contentDocument.documentElement.scrollHeight + 16) + 'px';
      })()`);
      await mailPage.locator('#mail').screenshot({ path: file });
    },
    async close() {
      await browser.close();
    },
  };
}
