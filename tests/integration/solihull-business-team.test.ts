/**
 * Issue 10, Solihull, through `createApp`, the real adapters, the emulator and the test clock:
 * - 2.3 "If an agency is unsure about another agency's management structure or who an agency's
 *   safeguarding lead is the Safeguarding Adults Board Business Team should be consulted": with a
 *   partner agency whose structure the directory does not know (only its support worker), Stage 2
 *   consults the SSAB Business Team in Teams, in the procedure's words, and never parks;
 * - 2.6 the Independent Chair route is "raised through the SSAB Business Team": the referral lands in
 *   the Business Team's mailbox (High Importance), with the Independent Chair copied in theirs.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { refusalText } from '../../src/cards/wording/refusals.ts';
import type { DisputeEvent, DisputeState } from '../../src/domain/dispute/types.ts';
import { DISPUTE_HEADER } from '../../src/graph/ids.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import { loadDisputeExport } from '../../src/store/index.ts';
import { textOf } from '../bot/harness.ts';
import { raiseConfirmations } from '../domain/dispute/fixtures.ts';
import { addresses, type ConcordApp, startConcordApp } from '../support/concord-app.ts';
import { eventually } from '../support/wait.ts';

const solihull = getProcedure('solihull-ssab')!;
const T0 = '2027-01-11T09:30:00.000Z';
const CONSULT =
  "If an agency is unsure about another agency's management structure or who an agency's safeguarding lead is the Safeguarding Adults Board Business Team should be consulted via ssab@solihull.gov.uk.";

/** The Solihull sample plus a housing provider whose structure the directory does not know. */
function directoryWithUnknownStructure(): string {
  const d = JSON.parse(readFileSync('directory/sample-solihull.json', 'utf8')) as {
    organisations: Record<string, unknown>[];
    people: Record<string, unknown>[];
  };
  d.organisations.push({
    id: 'riverside-housing',
    name: 'Riverside Housing Association (fictional)',
    kind: 'other',
    domain: 'riverside-housing.example',
    tenant: 'external',
    tenantId: '0a7e5000-0000-4000-8000-000000000499',
    division: 'england-and-wales',
    procedures: ['solihull-ssab'],
    workingHours: { start: '09:00', end: '17:00' },
  });
  d.people.push({
    id: 'riverside-housing-support-worker',
    displayName: 'Support Worker, Riverside Housing Association',
    email: 'support.worker@riverside-housing.example',
    organisation: 'riverside-housing',
    jobTitle: 'Support Worker',
    roles: ['practitioner'],
  });
  const file = join(mkdtempSync(join(tmpdir(), 'concord-procs-')), 'solihull-unknown-structure.json');
  writeFileSync(file, JSON.stringify(d, null, 2));
  return file;
}

let world: ConcordApp | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
}, 30_000);

describe('Solihull: the SSAB Business Team', () => {
  it('is consulted at Stage 2 when the other agency’s structure is unknown, and the Independent Chair is raised through it', async () => {
    world = await startConcordApp({ directory: directoryWithUnknownStructure() });
    const w = world;
    const runtime = w.app.runtime;
    const driver = runtime.driver;
    if (!driver) throw new Error('no test clock');
    const id = randomUUID();
    const caseReference = 'SOL-2027-0099';
    const state = async (): Promise<DisputeState> => {
      const s = await runtime.service.get(id);
      if (!s) throw new Error('no dispute');
      return s;
    };
    const act = async (event: DisputeEvent) => {
      const result = await runtime.service.applyEvent(id, event, {
        source: 'teams',
        ...(event.type === 'raised' ? { procedureId: solihull.id } : {}),
      });
      if (!result.ok) throw new Error(`${event.type} refused: ${refusalText(result.refusal)}`);
      await runtime.worker.drain();
      await w.settleInbound();
      return result.state;
    };
    const awaited = async (stageId: string, phase: string) => {
      const s = await eventually(`${stageId} ${phase}`, async () => {
        await runtime.worker.drain();
        const now = await state();
        return now.stage.id === stageId && now.stage.phase === phase && now.stage.awaiting ? now : undefined;
      });
      return s.stage.awaiting!;
    };
    const disputeMail = async (address: string) =>
      (await w.messages(address, 'inbox')).filter((m) =>
        m.internetMessageHeaders.some((hd) => hd.name.toLowerCase() === DISPUTE_HEADER && hd.value === id),
      );

    await driver.advanceTo(new Date(T0));
    await act({
      type: 'raised',
      disputeId: id,
      by: w.person('solihull-adults-staff-member'),
      immediateRiskChecked: true,
      caseReference,
      raisingOrganisationId: 'solihull-adults',
      counterpartOrganisationId: 'riverside-housing',
      category: solihull.categories[0]!.id,
      ...raiseConfirmations(solihull),
      details: {
        issue:
          'The agencies disagree about whether the tenancy support plan protects the adult from exploitation.',
        informalAttempts: 'Discussed with the support worker on 8 January 2027; no agreement.',
        resolutionSought: 'A joint review of the support plan within five working days.',
      },
    });
    // Stage 1: the people who disagree (the support worker is known).
    let by = await awaited('stage-1', 'awaiting-outcome');
    await act({
      type: 'outcome-recorded',
      by,
      resolved: false,
      summary: 'No agreement between the workers.',
    });
    by = await awaited('stage-1', 'awaiting-decision');
    await act({ type: 'decision', by, choice: 'escalate' });

    // Stage 2: the line manager holds it; nobody is known on the other side, so the Business Team is asked.
    by = await awaited('stage-2', 'awaiting-outcome');
    expect(by.id).toBe('solihull-adults-line-manager');
    const asked = await eventually('the Business Team’s card', async () =>
      w.connector.cardsTo('ssab-business-team').find((c) => textOf(c.card).includes(caseReference)),
    );
    // The card breaks addresses with zero-width spaces so Teams does not turn them into links.
    const askedText = textOf(asked.card)
      .replace(/\u200b/g, '')
      .replace(/\s+/g, ' ');
    expect(askedText).toContain(CONSULT);
    expect(askedText).toContain('their opposite number in the other agency');
    expect(askedText).toContain(`${by.name} is holding Stage 2`);
    const outcomeCard = await eventually('the line manager’s outcome card', async () =>
      w.connector
        .cardsTo(by.id)
        .find((c) => textOf(c.card).includes('it has consulted') && textOf(c.card).includes(caseReference)),
    );
    expect(textOf(outcomeCard.card)).toContain(`it has consulted ${w.person('ssab-business-team').name}`);
    // Never parked: nothing in the outbox has failed for good.
    const parked = await runtime.store.db
      .selectFrom('outbox')
      .select(['status'])
      .where('dispute_id', '=', id)
      .where('status', '=', 'parked')
      .execute();
    expect(parked).toEqual([]);
    const s2 = await state();
    expect(s2.status).toBe('open');
    expect(s2.participants.map((p) => p.id)).toContain('ssab-business-team');

    await act({ type: 'outcome-recorded', by, resolved: false, summary: 'Still no agreement.' });
    by = await awaited('stage-2', 'awaiting-decision');
    await act({ type: 'decision', by, choice: 'escalate' });
    by = await awaited('stage-3', 'awaiting-outcome');
    await act({ type: 'outcome-recorded', by, resolved: false, summary: 'Unresolved at Director level.' });

    // Before Stage 4: a conflict of interest with the sub-committee chair, so the Independent Chair route.
    by = await awaited('stage-3', 'awaiting-decision');
    const route = solihull.exceptionalRoutes.find((r) => r.insteadOf === 'stage-4')!;
    await act({
      type: 'exceptional-referral',
      by,
      routeId: route.id,
      reason: 'The sub-committee chair is employed by one of the two agencies.',
    });
    const team = w.person('ssab-business-team');
    const chair = w.person('ssab-chair-independent-chair');
    const referral = await eventually('the referral in the Business Team’s mailbox', async () =>
      (await disputeMail(team.email)).find((m) => m.subject.includes(route.name)),
    );
    expect(referral.importance).toBe('high');
    expect(addresses(referral.toRecipients)).toEqual([team.email.toLowerCase()]);
    expect(addresses(referral.ccRecipients)).toEqual([chair.email.toLowerCase()]);
    expect(referral.text).toContain('raised through the SSAB Business Team to the SSAB Independent Chair');
    expect(referral.text).toContain(`Please raise it with ${chair.name}`);
    await eventually('the Independent Chair’s copy', async () =>
      (await disputeMail(chair.email)).find((m) => m.subject.includes(route.name)),
    );

    const exported = await loadDisputeExport(runtime.store, id);
    const consulted = exported!.records.filter((r) => r.entry.kind === 'consulted');
    expect(consulted.map((r) => r.entry.stageId)).toEqual(['stage-2', 'stage-3']);
  }, 180_000);
});
