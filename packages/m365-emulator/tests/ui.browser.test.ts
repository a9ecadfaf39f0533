/**
 * The emulator's web UI in Debian Chromium (playwright-core): read a message, reply, accept an
 * invitation. Skips, saying so, when /usr/bin/chromium is not installed.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserUnavailable,
  CHROMIUM,
  launchBrowser,
  localhostOnly,
} from '../../../tests/support/chromium.ts';
import { type Harness, people, startHarness } from './helpers.ts';

const hasChromium = browserUnavailable() === null;
if (!hasChromium)
  console.warn(
    `SKIPPED: emulator UI browser tests — ${CHROMIUM} is not installed (apt-get install -y chromium).`,
  );

describe.skipIf(!hasChromium)('emulator web UI in Chromium', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  // The resolver rules map every host but localhost to NOTFOUND (IP literals included), so browse via localhost.
  const ui = () => h.m365.uiUrl.replace('127.0.0.1', 'localhost');

  beforeAll(async () => {
    h = await startHarness();
    browser = await launchBrowser();
    // The emulator's CA is not in Chromium's store; this browser context trusts it by ignoring HTTPS errors.
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    await localhostOnly(context);
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('reads a Stage 1 email as the Gateshead counterpart and replies on the thread', async () => {
    const draft = await h.graph.api(`/users/${people.teamManager}/messages`).post({
      subject: 'Dispute D-UI: Stage 1 <review>',
      importance: 'high',
      body: {
        contentType: 'html',
        content: '<p>Please reply by <b>Friday</b> & confirm.</p><script>alert(1)</script>',
      },
      toRecipients: [{ emailAddress: { address: people.gatesheadTeamManager } }],
    });
    await h.graph.api(`/users/${people.teamManager}/messages/${draft.id}/send`).post(null);
    // Send answers 202 and the message is delivered a moment later (sendDelayMs), as in Exchange:
    // the counterpart opens the inbox once it has arrived.
    await h.m365.notifier.idle();

    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs += 1;
      void d.dismiss();
    });
    await page.goto(ui());
    await page.getByRole('link', { name: 'Team Manager, Gateshead' }).click();
    await page.getByRole('link', { name: 'Dispute D-UI: Stage 1 <review>' }).click();
    await expect
      .poll(() => page.getByTestId('body').textContent())
      .toContain('Please reply by Friday & confirm.');
    expect(await page.locator('script').count()).toBe(0);
    // The HTML as Outlook shows it, in a frame with no permissions: formatting kept, script inert.
    const frame = page.locator('iframe[data-testid="html-body"]');
    expect(await frame.getAttribute('sandbox')).toBe('');
    const inside = page.frameLocator('iframe[data-testid="html-body"]');
    await expect.poll(() => inside.locator('b').textContent()).toBe('Friday');
    expect(dialogs, "the message's script never ran").toBe(0);
    // The procedures ask for High Importance both ways: the reply offers it, ticked for a High one.
    expect(await page.getByLabel('High importance').isChecked()).toBe(true);
    await page.getByLabel('Your reply').fill('Agreed: we will review the placement plan by Friday.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Reply sent.');
    await h.m365.notifier.idle();

    const replies = await h.graph
      .api(`/users/${people.teamManager}/mailFolders/inbox/messages`)
      .filter(`conversationId eq '${draft.conversationId}'`)
      .header('Prefer', 'outlook.body-content-type="text"')
      .get();
    expect(replies.value).toHaveLength(1);
    expect(replies.value[0].body.content).toContain('Agreed: we will review the placement plan by Friday.');
    expect(replies.value[0].importance).toBe('high');
  });

  it('accepts a meeting invitation from the inbox; the organiser sees the response', async () => {
    const event = await h.graph.api(`/users/${people.headOfService}/events`).post({
      subject: 'Stage 3 meeting (UI)',
      start: { dateTime: '2026-04-14T10:00:00', timeZone: 'Europe/London' },
      end: { dateTime: '2026-04-14T11:00:00', timeZone: 'Europe/London' },
      attendees: [{ emailAddress: { address: people.gatesheadTeamManager }, type: 'required' }],
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
    });
    await page.goto(ui());
    await page.getByRole('link', { name: 'Team Manager, Gateshead' }).click();
    await page.getByRole('link', { name: 'Stage 3 meeting (UI)' }).click();
    await page.getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Accepted.');
    await expect.poll(() => page.getByTestId('response').textContent()).toBe('accepted');

    const organiser = await h.graph
      .api(`/users/${people.headOfService}/events/${event.id}`)
      .select('attendees')
      .get();
    expect(organiser.attendees[0].status.response).toBe('accepted');
  });

  it('refuses a cross-site form post', async () => {
    const res = await page.request.post(`${ui()}/mailbox/${people.gatesheadTeamManager}/send`, {
      headers: { origin: 'https://evil.example' },
      form: { to: people.teamManager, subject: 'x' },
    });
    expect(res.status()).toBe(403);
  });
});
