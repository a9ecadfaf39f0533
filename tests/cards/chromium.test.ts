/**
 * Renders every card in Chromium with the adaptivecards browser bundle (markdown through
 * markdown-it with linkify, as Teams renders TextBlock markdown) at 480 px, with buttons of Teams'
 * size (14 px text, 10 px padding, a 2 px border: titles that do not fit end in "…"), screenshots each into
 * tests/cards/__screenshots__/output/, and checks what a person sees: visible text, the expected
 * buttons, and no link, markup or formatting from hostile text.
 *
 * Needs Debian chromium at /usr/bin/chromium (.ci/run installs it). Without it the tests are
 * skipped, and the run says so plainly.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCard } from '../../src/cards/render.ts';
import { TEMPLATE_NAMES } from '../../src/cards/view-models.ts';
import { browserUnavailable, launchBrowser } from '../support/chromium.ts';
import { BROWSER_BUNDLES } from './adaptive-cards-lib.ts';
import { EXPECTED_BUTTONS, FIXTURES } from './fixtures.ts';

const SKIP_REASON = browserUnavailable() ?? '';
const available = SKIP_REASON === '';
if (!available)
  console.warn(`SKIPPED: browser card tests (Chromium rendering and screenshots): ${SKIP_REASON}`);

const OUTPUT = fileURLToPath(new URL('./__screenshots__/output/', import.meta.url));

/**
 * Runs in the page: renders a card the way a host does, with TextBlock markdown through markdown-it
 * (linkify on, HTML off), and reports what a person sees.
 */
const PAGE_RENDERER = `
window.renderConcordCard = function (json) {
  var md = window.markdownit({ html: false, linkify: true });
  window.AdaptiveCards.AdaptiveCard.onProcessMarkdown = function (text, result) {
    result.outputHtml = md.render(text);
    result.didProcess = true;
  };
  var card = new window.AdaptiveCards.AdaptiveCard();
  card.parse(json);
  var root = document.getElementById('root');
  root.replaceChildren();
  var el = card.render();
  root.appendChild(el);
  var box = root.getBoundingClientRect();
  return {
    text: el.innerText,
    buttons: Array.from(el.querySelectorAll('button')).map(function (b) { return (b.innerText || b.getAttribute('aria-label') || '').trim(); }),
    cutOff: Array.from(el.querySelectorAll('button')).filter(function (b) {
      return Array.from(b.querySelectorAll('*')).concat([b]).some(function (x) { return x.scrollWidth > x.clientWidth + 1; });
    }).map(function (b) { return b.innerText.trim(); }),
    links: Array.from(el.querySelectorAll('a')).map(function (a) { return a.getAttribute('href') || ''; }),
    markup: el.querySelectorAll('script, strong, em, img, iframe, h1, h2, h3, blockquote').length,
    width: box.width,
    height: box.height,
  };
};
`;

interface BrowserGlobals {
  renderConcordCard(json: unknown): Rendered;
}

interface Rendered {
  readonly text: string;
  readonly buttons: readonly string[];
  /** Buttons whose title does not fit (shown with an ellipsis). */
  readonly cutOff: readonly string[];
  readonly links: readonly string[];
  readonly markup: number;
  readonly width: number;
  readonly height: number;
}

describe.skipIf(!available)(`cards in Chromium${available ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 520, height: 800 }, deviceScaleFactor: 1 });
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      return url.hostname === 'localhost' || url.protocol === 'data:' ? route.continue() : route.abort();
    });
    await page.setContent(
      '<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0;padding:12px;background:#f5f5f5;font-family:"Segoe UI",system-ui,sans-serif}#root{width:480px;background:#fff;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.2);overflow:hidden}.ac-pushButton{font-size:14px;padding:4px 10px 5px;border:2px solid #ccc;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}</style></head><body><div id="root"></div></body></html>',
    );
    await page.addScriptTag({ path: BROWSER_BUNDLES.markdownIt });
    await page.addScriptTag({ path: BROWSER_BUNDLES.adaptiveCards });
    await page.addScriptTag({ content: PAGE_RENDERER });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it.each(TEMPLATE_NAMES)(
    '%s renders with visible text and its buttons, and no injected link or markup',
    async (name) => {
      const card = renderCard(name, FIXTURES[name]);
      const rendered = (await page.evaluate(
        (json) => (globalThis as unknown as BrowserGlobals).renderConcordCard(json),
        card,
      )) as Rendered;

      await page.locator('#root').screenshot({ path: `${OUTPUT}${name}.png` });

      expect(rendered.text.trim().length).toBeGreaterThan(20);
      expect(rendered.height).toBeGreaterThan(40);
      for (const title of EXPECTED_BUTTONS[name])
        expect(rendered.buttons, `button "${title}"`).toContain(title);
      // At the width of a card in a Teams chat, every button's title is read whole.
      expect(rendered.cutOff).toEqual([]);
      expect(rendered.links).toEqual([]);
      expect(rendered.markup).toBe(0);
      expect(rendered.text).not.toMatch(/\\[[*_<(]/);
      if (JSON.stringify(FIXTURES[name]).includes('<script>')) {
        // Hostile text shows as the characters typed.
        expect(rendered.text.replace(/\u200B/g, '')).toContain(
          '<script>alert(1)</script> [click](http://evil) **bold**',
        );
      }
    },
  );

  it('a review card for a reply too long for Teams says it is shortened, keeps its buttons and shows no markup', async () => {
    const base = FIXTURES['review-reply'];
    const text = `We do not agree. ${'*'.repeat(12_000)}\n\n${Array.from({ length: 60 }, (_, i) => `- point ${i} (see www.example.org)`).join('\n\n')}`;
    const card = renderCard('review-reply', { ...base, reply: { ...base.reply, text } });
    const rendered = (await page.evaluate(
      (json) => (globalThis as unknown as BrowserGlobals).renderConcordCard(json),
      card,
    )) as Rendered;
    await page.locator('#root').screenshot({ path: `${OUTPUT}review-reply-shortened.png` });
    expect(rendered.text).toContain('Some long text is shortened here so that Teams can show this card.');
    expect(rendered.text).toContain('We do not agree.');
    for (const title of EXPECTED_BUTTONS['review-reply']) expect(rendered.buttons).toContain(title);
    expect(rendered.links).toEqual([]);
    expect(rendered.markup).toBe(0);
  });

  it('a read-only step card shows whose step it is and no buttons but refresh', async () => {
    const card = renderCard('decision', {
      ...FIXTURES.decision,
      viewer: { personId: 'someone-else', refreshUserIds: [] },
    });
    const rendered = (await page.evaluate(
      (json) => (globalThis as unknown as BrowserGlobals).renderConcordCard(json),
      card,
    )) as Rendered;
    await page.locator('#root').screenshot({ path: `${OUTPUT}decision-read-only.png` });
    expect(rendered.buttons).toEqual([]);
    expect(rendered.text).toContain('This step is for Alex Wilber.');
  });
});
