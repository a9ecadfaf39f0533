/**
 * The learning log from real data: a Solihull dispute walked through `decide` to resolution emits its
 * procedure's after-resolution cards; stored as Concord stores them (the dispute row and its outbox),
 * the report finds the learning referral, who raised it, whom it went to, and what became of it as
 * the outbox delivers the card. The debrief (not a learning kind) stays out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalText } from '../../src/cards/wording/refusals.ts';
import { bundledCalendar } from '../../src/domain/calendar/index.ts';
import { loadProcedures } from '../../src/procedures/index.ts';
import { computeFigures, forViewer } from '../../src/report/figures.ts';
import { loadReportInputs } from '../../src/report/inputs.ts';
import { renderCsv } from '../../src/report/render.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { enqueueEffect, findDispute, saveDispute } from '../../src/store/operations/index.ts';
import {
  fixtureResolver,
  person,
  RAISE_DETAILS,
  raiseConfirmations,
  Walk,
} from '../domain/dispute/fixtures.ts';

const procedures = loadProcedures();
const solihull = procedures.get('solihull-ssab');
if (!solihull) throw new Error('no solihull procedure');

let store: Store;
beforeAll(async () => {
  store = await openStore({ engine: 'pglite', dataDir: null });
  await migrateToLatest(store);
}, 120_000);
afterAll(async () => {
  await store?.close();
});

describe('the learning log', () => {
  it('a resolved Solihull dispute refers its general issues to the Sub-Committee representative', async () => {
    const raiser = person('adults', 'practitioner');
    const w = new Walk(
      solihull,
      fixtureResolver({ adults: ['practitioner', 'team-manager', 'sub-committee-representative'] }),
      '2027-01-11T09:30:00.000Z',
    );
    w.send({
      type: 'raised',
      disputeId: 'sol-1',
      by: raiser,
      immediateRiskChecked: true,
      caseReference: 'SOL-2027-0007',
      raisingOrganisationId: 'adults',
      counterpartOrganisationId: 'health',
      category: solihull.categories[0]?.id ?? '',
      ...raiseConfirmations(solihull),
      details: RAISE_DETAILS,
    });
    w.at('2027-01-14T11:00:00.000Z').send({ type: 'resolved', by: w.s.owner, summary: 'Agreed between us.' });
    expect(w.s.status).toBe('resolved');
    const at = new Date(w.now);
    await saveDispute(store.db, { state: w.s, version: 1, at, expectedVersion: null });
    for (const effect of w.effects) {
      if (effect.type === 'send-card') await enqueueEffect(store.db, { disputeId: 'sol-1', effect, at });
    }
    const figures = async () =>
      computeFigures(await loadReportInputs(store), {
        from: '2027-01-01',
        to: '2027-01-31',
        now: new Date('2027-01-20T09:00:00.000Z'),
        procedures,
        calendarFor: () => bundledCalendar('england-and-wales'),
        organisationName: (id) => id,
      });

    const before = await figures();
    expect(before.learning).toEqual([
      {
        disputeId: 'sol-1',
        caseReference: 'SOL-2027-0007',
        procedure: 'Solihull SSAB',
        kind: 'learning-referral',
        itemId: 'learning-referral',
        referredTo: "the agency's representative on the SSAB Policy and Procedures Sub-Committee",
        raisedBy: w.s.outcomes.at(-1)?.recordedBy,
        raisedAt: '2027-01-14T11:00:00.000Z',
        status: 'pending',
        deliveredTo: 'sub committee representative, adults',
        deliveredAt: null,
        followUp: null,
      },
    ]);

    // The outbox delivers the referral card: the item now says so, and when.
    await store.db
      .updateTable('outbox')
      .set({ status: 'done', done_at: new Date('2027-01-14T11:00:05.000Z') })
      .where('dispute_id', '=', 'sol-1')
      .where('type', '=', 'send-card')
      .execute();
    const after = await figures();
    expect(after.learning[0]).toMatchObject({ status: 'delivered', deliveredAt: '2027-01-14T11:00:05.000Z' });
    expect(after.resolution.find((r) => r.procedureId === 'solihull-ssab')).toMatchObject({
      ended: 1,
      median: 3,
    });
  });

  it('records what became of the referral: the latest by the period end, the note for parties only', async () => {
    const row = await findDispute(store.db, 'sol-1');
    if (!row) throw new Error('sol-1 not stored');
    const oversight = person('adults', 'business-manager');
    const w = new Walk(
      solihull,
      fixtureResolver({ adults: ['practitioner', 'team-manager', 'sub-committee-representative'] }),
      '2027-01-25T10:00:00.000Z',
    );
    w.state = row.state;
    // Only the procedure's learning steps, and only a recognised outcome.
    expect(
      refusalText(
        w.refused({ type: 'learning-followed-up', by: oversight, itemId: 'debrief', outcome: 'no-action' }),
      ),
    ).toBe("That is not one of this procedure's learning steps.");
    expect(
      refusalText(
        w.refused({
          type: 'learning-followed-up',
          by: oversight,
          itemId: 'learning-referral',
          outcome: 'shelved' as never,
        }),
      ),
    ).toBe('Say what became of it: taken to the board, policy or procedure changed, or no action.');
    w.send({
      type: 'learning-followed-up',
      by: oversight,
      itemId: 'learning-referral',
      outcome: 'taken-to-board',
      note: 'On the Sub-Committee agenda for February.',
    });
    w.at('2027-02-10T10:00:00.000Z').send({
      type: 'learning-followed-up',
      by: oversight,
      itemId: 'learning-referral',
      outcome: 'policy-changed',
    });
    await saveDispute(store.db, { state: w.s, version: 2, at: new Date(w.now), expectedVersion: 1 });
    const figures = async (to: string, now: string) =>
      computeFigures(await loadReportInputs(store), {
        from: '2027-01-01',
        to,
        now: new Date(now),
        procedures,
        calendarFor: () => bundledCalendar('england-and-wales'),
        organisationName: (id) => id,
      });
    // January's report: the first record (taken to the board); February's: the policy changed.
    const january = await figures('2027-01-31', '2027-02-20T09:00:00.000Z');
    expect(january.learning[0]?.followUp).toEqual({
      outcome: 'taken-to-board',
      by: oversight.name,
      at: '2027-01-25T10:00:00.000Z',
      hasNote: true,
      partyOnly: { note: 'On the Sub-Committee agenda for February.' },
    });
    const february = await figures('2027-02-28', '2027-02-20T09:00:00.000Z');
    expect(february.learning[0]?.followUp).toMatchObject({ outcome: 'policy-changed', hasNote: false });
    // Minimised: the note only for a party; the report (no viewer) says what became of it without it.
    expect(forViewer(january).learning[0]?.followUp).not.toHaveProperty('partyOnly');
    expect(forViewer(january, (id) => id === 'sol-1').learning[0]?.followUp?.partyOnly?.note).toBe(
      'On the Sub-Committee agenda for February.',
    );
    const csv = renderCsv(forViewer(january));
    expect(csv).toContain(
      `Taken to the board,"${oversight.name}","10:00, Monday 25 January 2027",(shown to the parties only)`,
    );
    expect(csv).not.toContain('agenda');
    // The case record says so.
    expect(w.effects.some((e) => e.type === 'record' && e.entry.kind === 'learning-followed-up')).toBe(true);
  });
});
