/**
 * A meeting response reaches the convener's Teams card through the events change notification, not
 * the 15-minute poll: the whole app (createApp) with its periodic polling off, against the local
 * Microsoft 365, which answers REST ids to any request that does not ask for immutable ones (and
 * sends notifications in the format each subscription was created with). The subscriptions ask for
 * immutable ids, so the notification names the event the way the meeting index does.
 *
 * The ANE dispute goes to Stage 3 the short way (a Stage 1 reply not agreed, Stage 2's deadline
 * passes), the meeting is booked, a required counterpart declines, and the convener's card says so.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalText } from '../../src/cards/wording/refusals.ts';
import type { DisputeEvent, DisputeState } from '../../src/domain/dispute/types.ts';
import { DISPUTE_HEADER } from '../../src/graph/ids.ts';
import { textOf } from '../bot/harness.ts';
import { type AdminEvent, type ConcordApp, startConcordApp } from '../support/concord-app.ts';
import { eventually } from '../support/wait.ts';

const T0 = '2027-01-11T09:30:00.000Z';
/** The morning after the Stage 2 deadline (5 working days from Stage 2's start on 11 January). */
const AFTER_STAGE_2 = '2027-01-19T09:00:00.000Z';

let w: ConcordApp;
beforeAll(async () => {
  w = await startConcordApp();
}, 120_000);
afterAll(async () => {
  await w?.close();
});

describe('a meeting response', () => {
  it('reaches the convener’s card through the event notification, with REST ids for anyone who does not ask', async () => {
    const { app, h, connector } = w;
    const runtime = app.runtime;
    const driver = runtime.driver;
    if (!driver) throw new Error('the app was not started with CLOCK=test');
    const id = randomUUID();
    const tm = w.person('ane-team-manager');
    const sm = w.person('ane-service-manager');
    const ad = w.person('ane-assistant-director');
    const gTm = w.person('gateshead-team-manager');
    const state = async (): Promise<DisputeState> => {
      const s = await runtime.service.get(id);
      if (!s) throw new Error('no dispute');
      return s;
    };
    const settled = <T>(what: string, probe: () => Promise<T | undefined>) =>
      eventually(
        what,
        async () => {
          await runtime.worker.drain();
          return probe();
        },
        { timeoutMs: 60_000 },
      );
    const act = async (event: DisputeEvent) => {
      const result = await runtime.service.applyEvent(id, event, {
        source: 'teams',
        ...(event.type === 'raised' ? { procedureId: 'ane' } : {}),
      });
      if (!result.ok) throw new Error(`${event.type} refused: ${refusalText(result.refusal)}`);
      await runtime.worker.drain();
    };
    const inPhase = (phase: DisputeState['stage']['phase'], stageId: string) =>
      settled(`${stageId} at ${phase}`, async () => {
        const s = await state();
        return s.stage.id === stageId && s.stage.phase === phase ? s : undefined;
      });

    await driver.advanceTo(new Date(T0));
    await act({
      type: 'raised',
      disputeId: id,
      by: w.person('ane-practitioner'),
      immediateRiskChecked: true,
      caseReference: 'ANE-2027-0107',
      raisingOrganisationId: 'ane',
      counterpartOrganisationId: 'gateshead',
      category: 'incomplete-documentation',
      details: {
        issue: 'The child permanence report is incomplete.',
        informalAttempts: 'Raised with the allocated social worker on 4 January 2027.',
        resolutionSought: 'A completed report within ten working days.',
      },
    });
    await act({ type: 'decision', by: tm, choice: 'escalate' });
    await inPhase('awaiting-response', 'stage-1');
    const stage1 = await settled('the Stage 1 email', async () =>
      (await w.messages(gTm.email, 'inbox')).find((m) =>
        m.internetMessageHeaders.some((hd) => hd.name.toLowerCase() === DISPUTE_HEADER && hd.value === id),
      ),
    );
    await h.admin(
      'POST',
      `/mailboxes/${encodeURIComponent(gTm.email)}/messages/${encodeURIComponent(stage1.id)}/reply`,
      {
        comment: 'We will complete it by the end of the month.',
      },
    );
    await w.settleInbound();
    await inPhase('awaiting-acknowledgement', 'stage-1');
    await act({ type: 'acknowledged', by: tm, agreed: false });
    await act({ type: 'decision', by: sm, choice: 'escalate' });
    await inPhase('awaiting-response', 'stage-2');
    await driver.advanceTo(new Date(AFTER_STAGE_2));
    await act({ type: 'acknowledged', by: sm, agreed: false });
    await act({ type: 'decision', by: ad, choice: 'escalate' });
    const booked = await inPhase('meeting-booked', 'stage-3');
    const eventId = booked.stage.meeting?.eventId ?? '';

    // Concord keeps the immutable id; a request without the Prefer header is answered with a REST id.
    const rest = (await h.graph.api.api(`/users/${ad.email}/events`).select('id,iCalUId').get()) as {
      value: { id: string; iCalUId: string }[];
    };
    const organiser = (await w.events(ad.email)).find((e) => e.id === eventId) as AdminEvent;
    const restId = rest.value.find((e) => e.iCalUId === organiser.iCalUId)?.id;
    expect(restId).toBeTruthy();
    expect(restId).not.toBe(eventId);

    // The counterpart declines their copy of the invitation.
    const copy = await settled('the invitation in the counterpart’s calendar', async () =>
      (await w.events(gTm.email)).find((e) => e.iCalUId === organiser.iCalUId && !e.isCancelled),
    );
    const cardsBefore = connector.cardsTo(ad.id).length;
    const deliveriesBefore = (await h.admin<{ value: unknown[] }>('GET', '/notifications')).value.length;
    await h.admin(
      'POST',
      `/mailboxes/${encodeURIComponent(gTm.email)}/events/${encodeURIComponent(copy.id)}/respond`,
      { response: 'decline', comment: 'I am in court that morning.' },
    );
    await w.settleInbound();

    // Graph notified the app of the convener's event, and the app took it (202).
    const convener = h.m365.state.find(ad.email);
    const convenerSub = [...h.m365.state.subscriptions.values()].find(
      (sub) => sub.target.kind === 'event' && sub.target.mailboxId === convener?.id,
    );
    expect(convenerSub?.immutableIds).toBe(true);
    const deliveries = (
      await h.admin<{ value: { url: string; status?: number; subscriptionIds: string[] }[] }>(
        'GET',
        '/notifications',
      )
    ).value.slice(deliveriesBefore);
    expect(
      deliveries.some(
        (d) =>
          d.url === `${w.url}/api/graph/notifications` &&
          d.status === 202 &&
          d.subscriptionIds.includes(convenerSub?.id ?? '—'),
      ),
    ).toBe(true);

    // The decline is in the dispute and on the convener's card, with no poll running (maintenance off).
    const card = await settled('the convener’s card about the decline', async () =>
      connector
        .cardsTo(ad.id)
        .slice(cardsBefore)
        .find((c) => /declined/i.test(textOf(c.card))),
    );
    expect(textOf(card.card)).toContain(gTm.name);
    const after = await state();
    expect(after.stage.meeting?.declinedSlots).toEqual([booked.stage.meeting?.start]);
  }, 240_000);
});
