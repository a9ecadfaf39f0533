/**
 * Issue 12: "This card is out of date" showed on a convener's meeting card that was still current.
 * Teams refreshes a Universal Actions card by itself (the card's `refresh` action, invoked as the
 * person looking at it); the convener's meeting card must come back as their meeting card, with the
 * meeting as it is booked now and its "Move" choices, never as a stale or status card.
 *
 * Through `createApp` and the local Microsoft 365: ANE walked to Stage 3 with no replies, then the
 * refresh is posted to `/api/messages` as Teams posts it (`adaptiveCard/action`, trigger automatic).
 */

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unescapeCardText } from '../../src/cards/escape.ts';
import { refusalText } from '../../src/cards/wording/refusals.ts';
import type { DisputeEvent, DisputeState } from '../../src/domain/dispute/types.ts';
import { actionsOf, textOf } from '../bot/harness.ts';
import { postCardAction } from '../support/card-action.ts';
import { type ConcordApp, startConcordApp } from '../support/concord-app.ts';
import { eventually } from '../support/wait.ts';

/** Monday 11 January 2027, 09:30 London (GMT). */
const T0 = '2027-01-11T09:30:00.000Z';
const AFTER_STAGE_1 = '2027-01-19T09:00:00.000Z';
const AFTER_STAGE_2 = '2027-01-27T09:00:00.000Z';
const CASE = 'ANE-2027-0211';
/** The Assistant Director (the Stage 3 convener) and Team Manager in Teams, as the sample directory has them. */
const AD_TEAMS_ID = 'user-id-3';

let w: ConcordApp;
const id = randomUUID();

beforeAll(async () => {
  w = await startConcordApp();
}, 60_000);
afterAll(async () => {
  await w?.close();
}, 30_000);

const settled = <T>(what: string, probe: () => Promise<T | undefined>) =>
  eventually(
    what,
    async () => {
      await w.app.runtime.worker.drain();
      await w.settleInbound();
      return probe();
    },
    { timeoutMs: 60_000 },
  );
const state = async (): Promise<DisputeState> => {
  const s = await w.app.runtime.service.get(id);
  if (!s) throw new Error('no dispute');
  return s;
};
const act = async (event: DisputeEvent) => {
  const result = await w.app.runtime.service.applyEvent(id, event, {
    source: 'teams',
    ...(event.type === 'raised' ? { procedureId: 'ane' } : {}),
  });
  if (!result.ok) throw new Error(`${event.type} refused: ${refusalText(result.refusal)}`);
  await w.app.runtime.worker.drain();
};
const booked = (attempts: number) =>
  settled(`the Stage 3 meeting, booking ${attempts}`, async () => {
    const s = await state();
    return s.stage.id === 'stage-3' &&
      s.stage.phase === 'meeting-booked' &&
      s.stage.meeting?.attempts === attempts
      ? s
      : undefined;
  });

/** The card's own refresh, posted as Teams posts it for the person viewing it; the card it answers with. */
async function refreshAs(
  personId: string,
  teamsUserId: string,
  card: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const refresh = card.refresh as { action: { verb: string; data: Record<string, unknown> } } | undefined;
  if (!refresh) throw new Error('the card carries no refresh');
  const answer = await postCardAction({
    url: w.url,
    serviceUrl: w.connector.serviceUrl,
    personId,
    from: { id: teamsUserId, name: teamsUserId },
    verb: refresh.action.verb,
    data: refresh.action.data,
    trigger: 'automatic',
  });
  if (!answer) throw new Error('no card in the refresh answer');
  return answer;
}

const words = (card: unknown) => unescapeCardText(textOf(card));

describe("the convener's meeting card, refreshed by Teams", () => {
  let firstCard: Record<string, unknown>;

  it('comes back as the meeting card with the booked time and "Move", not "out of date"', async () => {
    const driver = w.app.runtime.driver;
    if (!driver) throw new Error('no test clock');
    const tm = w.person('ane-team-manager');
    const sm = w.person('ane-service-manager');
    const ad = w.person('ane-assistant-director');
    await driver.advanceTo(new Date(T0));
    await act({
      type: 'raised',
      disputeId: id,
      by: w.person('ane-practitioner'),
      immediateRiskChecked: true,
      caseReference: CASE,
      raisingOrganisationId: 'ane',
      counterpartOrganisationId: 'gateshead',
      category: 'incomplete-documentation',
      details: {
        issue: 'The child permanence report is incomplete, which delays matching.',
        informalAttempts: 'Raised with the allocated social worker on 4 January 2027.',
        resolutionSought: 'A completed report within ten working days.',
      },
    });
    await act({ type: 'decision', by: tm, choice: 'escalate' });
    await driver.advanceTo(new Date(AFTER_STAGE_1));
    await act({ type: 'acknowledged', by: tm, agreed: false });
    await act({ type: 'decision', by: sm, choice: 'escalate' });
    await driver.advanceTo(new Date(AFTER_STAGE_2));
    await act({ type: 'acknowledged', by: sm, agreed: false });
    await act({ type: 'decision', by: ad, choice: 'escalate' });
    await booked(1);

    const delivered = await settled('the meeting card to the Assistant Director', async () =>
      w.connector
        .cardsTo(ad.id)
        .find((c) => !!c.card.refresh && /resolution meeting is booked/.test(textOf(c.card))),
    );
    firstCard = delivered.card;
    // Later system events (invitations sent, answers) move the dispute's seq on; the card is still current.
    await settled('the invitations sent', async () => ((await state()).seq > 0 ? true : undefined));

    const refreshed = await refreshAs('ane-assistant-director', AD_TEAMS_ID, firstCard);
    const text = words(refreshed);
    expect(text).not.toMatch(/out of date/i);
    expect(text).not.toContain('Where this dispute is');
    expect(text).toMatch(/resolution meeting is booked/);
    expect(text).toContain(CASE);
    expect(actionsOf(refreshed).map((a) => a.title)).toEqual(expect.arrayContaining(['Move']));
    // The booked time, in words, as the delivered card had it.
    const booking = /\d\d:\d\d–\d\d:\d\d, \w+day \d+ \w+ 2027/.exec(words(firstCard))?.[0];
    expect(booking).toBeDefined();
    expect(text).toContain(booking);
  }, 240_000);

  it('after the meeting is moved, the first card refreshes to the new time', async () => {
    const gTm = w.person('gateshead-team-manager');
    const s = await state();
    const organiser = await settled('the organiser event', async () =>
      (await w.events(w.person('ane-assistant-director').email)).find(
        (e) => e.id === s.stage.meeting?.eventId,
      ),
    );
    const copy = await settled("Gateshead's invitation", async () =>
      (await w.events(gTm.email)).find((e) => e.iCalUId === organiser.iCalUId && !e.isCancelled),
    );
    // Friday 29 January 2027, 14:00–15:00 London (GMT): Gateshead declines and proposes it.
    await w.h.admin('POST', `/mailboxes/${gTm.email}/events/${encodeURIComponent(copy.id)}/respond`, {
      response: 'decline',
      comment: 'I am in court that day; Friday afternoon works.',
      proposedNewTime: {
        start: { dateTime: '2027-01-29T14:00:00', timeZone: 'GMT Standard Time' },
        end: { dateTime: '2027-01-29T15:00:00', timeZone: 'GMT Standard Time' },
      },
    });
    const moved = await booked(2);
    expect(moved.stage.meeting?.start).toBe('2027-01-29T14:00:00.000Z');
    await new Promise((r) => setTimeout(r, 3000));
    await settled('the new meeting card', async () =>
      w.connector
        .deliveriesTo(w.person('ane-assistant-director').id)
        .find((c) => words(c.card).includes('14:00–15:00, Friday 29 January 2027')),
    );

    const refreshed = await refreshAs('ane-assistant-director', AD_TEAMS_ID, firstCard);
    const text = words(refreshed);
    expect(text).not.toMatch(/out of date/i);
    expect(text).toContain('14:00–15:00, Friday 29 January 2027');
    const before = /\d\d:\d\d–\d\d:\d\d, \w+day \d+ \w+ 2027/.exec(words(firstCard))?.[0] ?? '';
    expect(text).not.toContain(before);
    expect(actionsOf(refreshed).map((a) => a.title)).toEqual(expect.arrayContaining(['Move']));
  }, 120_000);
});
