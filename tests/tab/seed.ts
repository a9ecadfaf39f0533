/**
 * A seeded set of ANE disputes in different states, made the way people make them (events applied
 * as the bot applies them, the test clock moved so the real timers fire), for the tab and dashboard
 * tests. At the end the clock stands at Wednesday 20 January 2027, 10:00 (GMT).
 *
 * - RED   ANE-T-0101: raised 11 Jan, Stage 1 email sent; no reply by its deadline (18 Jan), so the
 *         Stage 1 deadline fired and the Team Manager is asked to chase or escalate.
 * - DONE  ANE-T-0104: raised 11 Jan (Newcastle), the Team Manager accepted the decision on 13 Jan.
 * - GREEN ANE-T-0102: raised 20 Jan, Stage 1 email sent, 5 working days to reply.
 * - DECIDE ANE-T-0103: raised 20 Jan, waiting for the Team Manager's decision (informal stage).
 */
import { randomUUID } from 'node:crypto';
import { refusalText } from '../../src/cards/wording/refusals.ts';
import type { DisputeEvent } from '../../src/domain/dispute/types.ts';
import type { ConcordApp } from '../support/concord-app.ts';

export const NOW = '2027-01-20T10:00:00.000Z';

export interface Seeded {
  readonly red: string;
  readonly green: string;
  readonly decide: string;
  readonly done: string;
}

export async function seedDisputes(w: ConcordApp): Promise<Seeded> {
  const { runtime } = w.app;
  const driver = runtime.driver;
  if (!driver) throw new Error('the app was not started with CLOCK=test');
  const practitioner = w.person('ane-practitioner');
  const tm = w.person('ane-team-manager');
  const act = async (id: string, event: DisputeEvent) => {
    const result = await runtime.service.applyEvent(id, event, {
      source: 'teams',
      ...(event.type === 'raised' ? { procedureId: 'ane' } : {}),
    });
    if (!result.ok) throw new Error(`${event.type} refused: ${refusalText(result.refusal)}`);
    await runtime.worker.drain();
  };
  const raise = (id: string, caseReference: string, counterpart: string, category: string) =>
    act(id, {
      type: 'raised',
      disputeId: id,
      by: practitioner,
      immediateRiskChecked: true,
      caseReference,
      raisingOrganisationId: 'ane',
      counterpartOrganisationId: counterpart,
      category,
      details: {
        issue: `The child permanence report for ${caseReference} is incomplete.`,
        informalAttempts: 'Raised with the allocated social worker; no date given.',
        resolutionSought: 'A completed report within ten working days.',
      },
    });
  const ids: Seeded = { red: randomUUID(), green: randomUUID(), decide: randomUUID(), done: randomUUID() };

  await driver.advanceTo(new Date('2027-01-11T09:30:00.000Z'));
  await raise(ids.red, 'ANE-T-0101', 'gateshead', 'incomplete-documentation');
  await act(ids.red, { type: 'decision', by: tm, choice: 'escalate' });
  await raise(ids.done, 'ANE-T-0104', 'newcastle', 'visits-not-undertaken');

  await driver.advanceTo(new Date('2027-01-13T10:00:00.000Z'));
  await act(ids.done, { type: 'decision', by: tm, choice: 'accept', reason: 'The visits are now booked.' });

  // The Stage 1 deadline (end of Monday 18 January) passes with no reply.
  await driver.advanceTo(new Date('2027-01-20T09:30:00.000Z'));
  await runtime.worker.drain();
  await raise(ids.green, 'ANE-T-0102', 'gateshead', 'visits-not-undertaken');
  await act(ids.green, { type: 'decision', by: tm, choice: 'escalate' });
  await raise(ids.decide, 'ANE-T-0103', 'gateshead', 'incomplete-documentation');
  await driver.advanceTo(new Date(NOW));
  await runtime.worker.drain();
  return ids;
}

/** A token for a directory person, from the local issuer through Concord's local sign-in route. */
export async function signIn(url: string, personId: string): Promise<string> {
  const response = await fetch(`${url}/tab/local/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ personId }),
  });
  if (!response.ok) throw new Error(`sign-in as ${personId}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}
