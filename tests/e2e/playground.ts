/**
 * Driving the Agents Playground's UI with playwright-core and Debian Chromium. The Playground's
 * HTTP routes are undocumented internals, so everything goes through its page: the compose box,
 * the messages, the Adaptive Cards. Selectors are documented in docs/local-mode.md.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { localhostOnly } from '../support/chromium.ts';

export { browserUnavailable, CHROMIUM, CHROMIUM_ARGS, launchBrowser } from '../support/chromium.ts';

/** A page that may only talk to localhost: every other request is aborted. */
export async function localOnlyPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  await localhostOnly(page);
  return page;
}

export class PlaygroundChat {
  constructor(readonly page: Page) {}

  static async open(browser: Browser, url: string): Promise<PlaygroundChat> {
    const page = await localOnlyPage(browser);
    await page.goto(url, { waitUntil: 'networkidle' });
    await page.locator('[contenteditable="true"][role="textbox"]').waitFor();
    return new PlaygroundChat(page);
  }

  /** Every Adaptive Card in the chat, oldest first. */
  cards(): Locator {
    return this.page.locator('.ac-adaptiveCard');
  }

  async cardCount(): Promise<number> {
    return this.cards().count();
  }

  /** Types a message in the compose box (a Lexical rich-text editor) and sends it. */
  async say(text: string): Promise<void> {
    const box = this.page.locator('[contenteditable="true"][role="textbox"]');
    await box.click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
  }

  /** Waits for a bot message (text or card) containing `text`, and returns it. */
  async waitForBotMessage(text: string | RegExp, timeout = 20_000): Promise<Locator> {
    const message = this.page.locator('.fai-OutputCard').filter({ hasText: text }).last();
    await message.waitFor({ timeout });
    return message;
  }

  /** The newest card whose text matches (every one of the patterns, when given several). */
  async waitForCard(
    text: string | RegExp | readonly (string | RegExp)[],
    timeout = 20_000,
  ): Promise<Locator> {
    let cards = this.cards();
    for (const t of Array.isArray(text) ? text : [text]) cards = cards.filter({ hasText: t });
    const card = cards.last();
    await card.waitFor({ timeout });
    return card;
  }

  async fill(card: Locator, label: string | RegExp, value: string): Promise<void> {
    await card.getByLabel(label).first().fill(value);
  }

  /** A compact ChoiceSet is a Fluent combobox: open it, then pick the option. */
  async choose(card: Locator, label: string | RegExp, option: string | RegExp): Promise<void> {
    await card.getByRole('combobox', { name: label }).first().click();
    await this.page.getByRole('option', { name: option }).first().click();
  }

  async click(card: Locator, button: string | RegExp): Promise<void> {
    await card
      .getByRole('button', { name: button, exact: typeof button === 'string' })
      .first()
      .click();
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path, fullPage: false });
  }
}
