/**
 * Issue 10, IRO: "At any point in the process, where it is appropriate, the IRO may seek independent
 * legal advice". Through `createApp`, the real bot route (`POST /api/messages`), the emulator and
 * the test clock, with the IRO sample partnership: the allocated IRO opens the dispute card, which
 * offers the note (quoting the procedure and what must not be recorded); they record it; the case
 * record and the exported case file say who recorded it and when. Nobody else is offered it, a
 * party who is not the IRO is refused, and someone not taking part learns only that it is not theirs.
 */

import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { refusalText } from '../../src/cards/wording/refusals.ts';
import type { DisputeEvent } from '../../src/domain/dispute/types.ts';
import { caseFileOf, caseFileText } from '../../src/export/case-file.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import { loadDisputeExport } from '../../src/store/index.ts';
import { actionsOf, textOf } from '../bot/harness.ts';
import { raiseConfirmations } from '../domain/dispute/fixtures.ts';
import { type ConcordApp, clickAs, startConcordApp } from '../support/concord-app.ts';
import { eventually } from '../support/wait.ts';

const iro = getProcedure('iro-drp')!;
const T0 = '2027-01-11T09:30:00.000Z';

let world: ConcordApp | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
}, 30_000);

/** "Open" from my disputes: the dispute card arrives in the person's chat as a message of its own. */
async function openDispute(
  w: ConcordApp,
  personId: string,
  disputeId: string,
): Promise<Record<string, unknown>> {
  const before = w.connector.deliveriesTo(personId).length;
  await clickAs(w, personId, 'open-dispute', { disputeId, seq: 0 });
  const delivered = await eventually('the dispute card in the chat', async () =>
    w.connector
      .deliveriesTo(personId)
      .slice(before)
      .find((c) => textOf(c.card).includes('Timeline')),
  );
  return delivered.card;
}

describe('IRO: independent legal advice recorded at any point', () => {
  it('the allocated IRO records it from the dispute card; the record and the case file say who and when; others cannot', async () => {
    world = await startConcordApp({ directory: 'directory/sample-iro.json' });
    const w = world;
    const runtime = w.app.runtime;
    const driver = runtime.driver;
    if (!driver) throw new Error('no test clock');
    const id = randomUUID();
    const ownerIro = w.person('northborough-cssu-iro');
    const act = async (event: DisputeEvent) => {
      const result = await runtime.service.applyEvent(id, event, { source: 'teams', procedureId: iro.id });
      if (!result.ok) throw new Error(`${event.type} refused: ${refusalText(result.refusal)}`);
      await runtime.worker.drain();
    };
    await driver.advanceTo(new Date(T0));
    await act({
      type: 'raised',
      disputeId: id,
      by: ownerIro,
      immediateRiskChecked: true,
      caseReference: 'IRO-2027-0042',
      raisingOrganisationId: 'northborough-cssu',
      counterpartOrganisationId: 'northborough-csc',
      category: iro.categories[0]!.id,
      ...raiseConfirmations(iro),
      details: {
        issue: 'The plan for contact with the birth mother has not been reviewed as agreed.',
        informalAttempts: 'Discussed with the allocated social worker on 6 January 2027.',
        resolutionSought: 'The contact plan reviewed within ten working days.',
      },
    });
    const before = await runtime.service.get(id);
    expect(before?.stage.awaiting).not.toBeNull();
    // Two working days later, still at Stage 1.
    await driver.advanceTo(new Date('2027-01-13T11:15:00.000Z'));

    // The IRO opens the dispute from "my disputes": the note is offered, with the procedure's words.
    const detail = await openDispute(w, ownerIro.id, id);
    const record = actionsOf(detail).find((a) => a.verb === 'record-note');
    expect(record?.title).toBe('Record the note');
    expect(textOf(detail)).toContain('the IRO may seek independent legal advice');
    expect(textOf(detail)).toContain(
      'Views on the performance of individual staff, for example, must not be recorded.',
    );

    // The team manager in children's social care takes part (Stage 1 is with them) but is not offered it,
    // and is refused if they send it anyway.
    const tmId = 'northborough-csc-team-manager';
    expect(before?.participants.map((q) => q.id)).toContain(tmId);
    const tmDetail = await openDispute(w, tmId, id);
    expect(textOf(tmDetail)).toContain('IRO-2027-0042');
    expect(actionsOf(tmDetail).some((a) => a.verb === 'record-note')).toBe(false);
    await clickAs(w, tmId, 'record-note', { ...record!.data, note: 'Not mine to record.' });
    await eventually('the refusal in the team manager’s chat', async () =>
      w.connector
        .deliveriesTo(tmId)
        .find((c) =>
          textOf(c.card).includes('Only the allocated IRO can record “Independent legal advice sought”.'),
        ),
    );

    // Someone not taking part (the group manager is not, before Stage 2) learns only that it is not theirs.
    const stranger = 'northborough-csc-group-manager';
    expect(before?.participants.map((q) => q.id)).not.toContain(stranger);
    const strangerCard = await clickAs(w, stranger, 'record-note', { ...record!.data, note: 'x' });
    expect(textOf(strangerCard)).toContain('This dispute is not one you are taking part in');
    expect(textOf(strangerCard)).not.toContain('IRO-2027-0042');
    expect(textOf(strangerCard)).not.toContain('legal advice');

    // The IRO records it, with a note, from the card as it was shown (any step, any seq).
    const putsBefore = w.connector.deliveriesTo(ownerIro.id).filter((d) => d.method === 'PUT').length;
    const done = await clickAs(w, ownerIro.id, 'record-note', {
      ...record!.data,
      note: 'Advice sought from the council’s legal services on the contact plan.',
    });
    expect(textOf(done)).toContain('Done: recorded on the dispute record');
    const after = await runtime.service.get(id);
    // The step is as it was: the same person is awaited at the same phase.
    expect(after?.stage).toMatchObject({ id: before?.stage.id, phase: before?.stage.phase });
    expect(after?.stage.awaiting?.id).toBe(before?.stage.awaiting?.id);
    await runtime.worker.drain();
    // The IRO's step card was not retired by it.
    expect(w.connector.deliveriesTo(ownerIro.id).filter((d) => d.method === 'PUT').length).toBe(putsBefore);

    const exported = await loadDisputeExport(runtime.store, id);
    const lines = exported!.records.filter((r) => r.entry.kind === 'note-recorded');
    // One note, from the card: the team manager's and the stranger's attempts wrote nothing.
    expect(lines.length).toBe(1);
    expect(lines.at(-1)!.entry).toMatchObject({
      at: '2027-01-13T11:15:00.000Z',
      between: [ownerIro.name],
      outcome: 'Advice sought from the council’s legal services on the contact plan.',
    });
    const file = caseFileOf({
      state: exported!.dispute.state,
      procedure: iro,
      records: exported!.records.map((r) => r.entry),
      timeline: exported!.timeline,
      effects: exported!.effects,
      exportedAt: '2027-01-13T12:00:00.000Z',
    });
    const text = caseFileText(file).join('\n');
    expect(text).toContain(`${ownerIro.name} recorded: Independent legal advice sought`);
    expect(text).toContain('Recorded: Independent legal advice sought');
    expect(text).toContain('Advice sought from the council’s legal services on the contact plan.');
    // The dispute card's timeline shows it too.
    const again = await openDispute(w, ownerIro.id, id);
    expect(textOf(again)).toContain(`${ownerIro.name} recorded: Independent legal advice sought`);
  }, 120_000);
});
