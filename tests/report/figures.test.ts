/**
 * The oversight figures (pure): periods, RAG, time to resolution with its spread against the cap,
 * breaches, categories and organisation pairs, the learning log, and minimisation. States are built
 * by hand with only what the figures read, across three procedures, and the expected numbers are
 * worked out here by hand from the same facts.
 */
import { describe, expect, it } from 'vitest';
import { bundledCalendar } from '../../src/domain/calendar/index.ts';
import type { DisputeState } from '../../src/domain/dispute/types.ts';
import { loadProcedures } from '../../src/procedures/index.ts';
import { computeFigures, forViewer } from '../../src/report/figures.ts';
import type { ReportInputs } from '../../src/report/inputs.ts';
import { renderCsv } from '../../src/report/render.ts';

const procedures = loadProcedures();
const person = (id: string, organisationId = 'org-a') => ({
  id,
  name: `Name of ${id}`,
  email: `${id}@a.example`,
  organisationId,
});

function state(p: {
  id: string;
  procedureId: string;
  raisedAt: string;
  endedAt?: string;
  formalStartedAt?: string;
  status?: DisputeState['status'];
  stageId: string;
  stageStartedAt?: string;
  due?: string | null;
  category: string;
  counterpart?: string;
  actions?: { description: string; owner: string; dueDate: string }[];
  recordedBy?: string;
  awaiting?: string;
}): DisputeState {
  return {
    id: p.id,
    procedureId: p.procedureId,
    procedureVersion: '1',
    status: p.status ?? (p.endedAt ? 'resolved' : 'open'),
    caseReference: `REF-${p.id}`,
    raisingOrganisationId: 'org-a',
    counterpartOrganisationId: p.counterpart ?? 'org-b',
    category: p.category,
    urgency: null,
    details: { issue: 'free text', informalAttempts: 'free text', resolutionSought: 'free text' },
    raisedBy: person('raiser'),
    raisedAt: p.raisedAt,
    owner: person('owner'),
    stage: {
      id: p.stageId,
      index: 0,
      startedAt: p.stageStartedAt ?? p.raisedAt,
      due: p.due ?? null,
      dueDate: null,
      phase: p.endedAt ? 'ended' : 'awaiting-response',
      awaiting: p.awaiting ? person(p.awaiting, 'org-b') : null,
      actor: null,
      thread: [],
      meeting: null,
      overdue: false,
      chases: 0,
    },
    formalStartedAt: p.formalStartedAt ?? null,
    overallDue: null,
    outcomes: p.endedAt
      ? [
          {
            stageId: p.stageId,
            resolved: true,
            summary: 'agreed',
            actions: p.actions ?? [],
            recordedBy: p.recordedBy ?? 'Name of owner',
            at: p.endedAt,
          },
        ]
      : [],
    participants: [person('raiser'), person('owner')],
    informed: [],
    exceptionalRoute: null,
    endedAt: p.endedAt ?? null,
    seq: 1,
  } as unknown as DisputeState;
}

// January 2027: Mon 4, 11, 18, 25. No bank holidays in the month.
const inputs: ReportInputs = {
  states: [
    // ANE, ended: formal start Mon 4 → Fri 8 = 4 working days; Mon 4 → Mon 25 = 15; Mon 4 → Thu 4 Feb = 23 (over the 20 cap).
    state({
      id: 'a1',
      procedureId: 'ane',
      raisedAt: '2027-01-04T10:00:00Z',
      formalStartedAt: '2027-01-04T10:00:00Z',
      endedAt: '2027-01-08T10:00:00Z',
      stageId: 'stage-1',
      category: 'incomplete-documentation',
    }),
    state({
      id: 'a2',
      procedureId: 'ane',
      raisedAt: '2027-01-04T10:00:00Z',
      formalStartedAt: '2027-01-04T10:00:00Z',
      endedAt: '2027-01-25T10:00:00Z',
      stageId: 'stage-2',
      category: 'incomplete-documentation',
      actions: [{ description: 'Send the report', owner: 'Team Manager, B', dueDate: '2027-01-27' }],
    }),
    state({
      id: 'a3',
      procedureId: 'ane',
      raisedAt: '2027-01-04T10:00:00Z',
      formalStartedAt: '2027-01-04T10:00:00Z',
      endedAt: '2027-02-04T10:00:00Z',
      stageId: 'stage-4',
      category: 'visits-not-undertaken',
      counterpart: 'org-c',
    }),
    // ANE, open: stage-1 due Mon 18 (red at the 29th), stage-2 started 25th due 1 Feb (amber at 29th: 4 of 7 days used), informal (none).
    state({
      id: 'a4',
      procedureId: 'ane',
      raisedAt: '2027-01-11T10:00:00Z',
      stageId: 'stage-1',
      stageStartedAt: '2027-01-11T10:00:00Z',
      due: '2027-01-18T23:59:59.999Z',
      category: 'incomplete-documentation',
      awaiting: 'counterpart',
    }),
    state({
      id: 'a5',
      procedureId: 'ane',
      raisedAt: '2027-01-20T10:00:00Z',
      stageId: 'stage-2',
      stageStartedAt: '2027-01-25T00:00:00Z',
      due: '2027-02-01T23:59:59.999Z',
      category: 'incomplete-documentation',
    }),
    state({
      id: 'a6',
      procedureId: 'ane',
      raisedAt: '2027-01-28T10:00:00Z',
      stageId: 'informal',
      category: 'incomplete-documentation',
    }),
    // Before the period: ended in December, not counted.
    state({
      id: 'old',
      procedureId: 'ane',
      raisedAt: '2026-11-02T10:00:00Z',
      endedAt: '2026-12-01T10:00:00Z',
      stageId: 'stage-1',
      category: 'incomplete-documentation',
    }),
    // Solihull resolved with its learning referral delivered; Dudley resolved, the policy-gap card still pending.
    state({
      id: 's1',
      procedureId: 'solihull-ssab',
      raisedAt: '2027-01-05T10:00:00Z',
      endedAt: '2027-01-12T10:00:00Z',
      stageId: 'stage-2',
      category: 'poorly-framed-concern',
      recordedBy: 'Safeguarding Lead, A',
    }),
    state({
      id: 'd1',
      procedureId: 'dudley-dscb',
      raisedAt: '2027-01-06T10:00:00Z',
      endedAt: '2027-01-07T10:00:00Z',
      stageId: 'stage-1',
      category: procedures.get('dudley-dscb')?.categories[0]?.id ?? 'x',
    }),
    // Withdrawn: ended, but raises no learning item.
    state({
      id: 'd2',
      procedureId: 'dudley-dscb',
      raisedAt: '2027-01-06T10:00:00Z',
      endedAt: '2027-01-07T10:00:00Z',
      status: 'withdrawn',
      stageId: 'stage-1',
      category: procedures.get('dudley-dscb')?.categories[0]?.id ?? 'x',
    }),
  ],
  fired: [
    { disputeId: 'a4', kind: 'stage-deadline', stageId: 'stage-1', at: '2027-01-19T00:00:00Z' },
    { disputeId: 'a2', kind: 'stage-deadline', stageId: 'stage-1', at: '2027-01-12T00:00:00Z' },
    { disputeId: 'a3', kind: 'overall-deadline', stageId: 'overall', at: '2027-02-02T00:00:00Z' },
    { disputeId: 'old', kind: 'stage-deadline', stageId: 'stage-1', at: '2026-11-20T00:00:00Z' },
  ],
  afterCards: [
    {
      disputeId: 's1',
      itemId: 'learning-referral',
      to: { id: 'rep', name: 'Sub-Committee Representative, A' },
      status: 'done',
      createdAt: '2027-01-12T10:00:00Z',
      doneAt: '2027-01-12T10:00:05Z',
    },
    {
      disputeId: 's1',
      itemId: 'debrief',
      to: { id: 'owner', name: 'Name of owner' },
      status: 'done',
      createdAt: '2027-01-12T10:00:00Z',
      doneAt: '2027-01-12T10:00:05Z',
    },
    {
      disputeId: 'd1',
      itemId: 'policy-gaps',
      to: { id: 'chair', name: 'Chair, DSCB' },
      status: 'pending',
      createdAt: '2027-01-07T10:00:00Z',
      doneAt: null,
    },
  ],
};

const ctx = {
  from: '2027-01-01',
  to: '2027-01-31',
  now: new Date('2027-01-29T12:00:00Z'),
  procedures,
  calendarFor: () => bundledCalendar('england-and-wales'),
  organisationName: (id: string) =>
    ({ 'org-a': 'Agency A', 'org-b': 'Council B', 'org-c': 'Council C' })[id] ?? id,
};

describe('oversight figures', () => {
  const f = computeFigures(inputs, ctx);

  it('counts the period: in it, raised, ended and open as at its end', () => {
    // a3 ended on 4 Feb, after the 29 Jan "now": open then. "old" is outside the period.
    expect(f.totals).toEqual({ inPeriod: 9, raised: 9, ended: 5, open: 4 });
    expect(f.period.asAt).toBe('2027-01-29T12:00:00.000Z');
  });

  it('open disputes by stage and their RAG (the cards’ rule), with the overdue step and whose it is', () => {
    const ane = f.openByStage.filter((r) => r.procedureId === 'ane').map((r) => [r.stageId, r.count]);
    expect(ane).toEqual([
      ['informal', 1],
      ['stage-1', 1],
      ['stage-2', 1],
      ['stage-4', 1],
    ]);
    // a3 (no due) none, a4 red, a5 amber (4 of 7 calendar days used), a6 none.
    expect(f.rag).toEqual({ red: 1, amber: 1, green: 0, none: 2 });
    expect(f.overdueSteps).toEqual([
      expect.objectContaining({
        caseReference: 'REF-a4',
        whose: 'Name of counterpart',
        organisation: 'Council B',
        // Tue 19 … Fri 29 January: 9 working days.
        workingDaysOverdue: 9,
      }),
    ]);
  });

  it('time to resolution: median and quartiles in working days, against the cap', () => {
    const ane = f.resolution.find((r) => r.procedureId === 'ane');
    // Ended in the period: a1 (4) and a2 (15); a3 ends after the period.
    expect(ane).toMatchObject({ capWorkingDays: 20, ended: 2, median: 9.5, min: 4, max: 15, overCap: 0 });
    expect(ane?.lowerQuartile).toBeCloseTo(6.75);
    expect(ane?.upperQuartile).toBeCloseTo(12.25);
    expect(ane?.stageTimescales[1]).toEqual({ stage: 'Formal Resolution Process – Stage 1', workingDays: 5 });
    const solihull = f.resolution.find((r) => r.procedureId === 'solihull-ssab');
    expect(solihull).toMatchObject({ capWorkingDays: null, ended: 1, median: 5, overCap: 0 });
  });

  it('breaches by stage in the period only; categories and organisation pairs', () => {
    expect(f.breachesByStage).toEqual([
      { procedure: 'ANE', stage: 'Formal Resolution Process – Stage 1', count: 2 },
    ]);
    expect(f.byCategory.find((r) => r.category === 'Incomplete documentation')?.count).toBe(5);
    expect(f.byOrganisationPair).toEqual([
      { raising: 'Agency A', counterpart: 'Council B', count: 8 },
      { raising: 'Agency A', counterpart: 'Council C', count: 1 },
    ]);
  });

  it('the learning log: learning referrals and policy gaps of resolved disputes, with what became of them', () => {
    expect(f.learning).toEqual([
      expect.objectContaining({
        caseReference: 'REF-d1',
        kind: 'policy-gap',
        referredTo: 'the Chair of Dudley Safeguarding Children Board (SSCB)',
        status: 'pending',
      }),
      expect.objectContaining({
        caseReference: 'REF-s1',
        kind: 'learning-referral',
        raisedBy: 'Safeguarding Lead, A',
        status: 'delivered',
        deliveredTo: 'Sub-Committee Representative, A',
      }),
    ]);
  });

  it('minimised: agreed actions past their date show free text only to a party', () => {
    expect(f.actionsOverdue.map((a) => [a.caseReference, a.dueDate])).toEqual([['REF-a2', '2027-01-27']]);
    const outsider = forViewer(f);
    expect(outsider.actionsOverdue[0]).not.toHaveProperty('partyOnly');
    expect(JSON.stringify(outsider)).not.toContain('free text');
    expect(JSON.stringify(outsider)).not.toContain('Send the report');
    expect(renderCsv(outsider)).not.toContain('Send the report');
    const party = forViewer(f, (id) => id === 'a2');
    expect(party.actionsOverdue[0]?.partyOnly).toEqual({
      description: 'Send the report',
      owner: 'Team Manager, B',
    });
  });

  it('refuses a period that ends before it starts', () => {
    expect(() => computeFigures(inputs, { ...ctx, from: '2027-02-01', to: '2027-01-01' })).toThrow(
      /before it starts/,
    );
  });
});
