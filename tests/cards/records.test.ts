/**
 * The case record's words: every record line the domain writes, every outcome text, and lines
 * stored before record lines were data (a `summary` and no `kind`), which are shown as stored.
 */
import { describe, expect, it } from 'vitest';
import { disputeDetailModel } from '../../src/cards/from-domain.ts';
import { outcomeText, recordEntryText, recordLineText } from '../../src/cards/wording/records.ts';
import type { OutcomeText, RecordEntry, RecordLine } from '../../src/domain/dispute/types.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import { fixtureResolver, person, RAISE_DETAILS, Walk } from '../domain/dispute/fixtures.ts';
import { acting } from './fixtures.ts';

/** One line of each kind, with the sentence the case record showed for it before lines were data. */
const LINES: readonly [RecordLine, string][] = [
  [
    {
      kind: 'referral-prepared',
      params: { routeName: 'CAFCASS', means: 'Egress', to: 'Service Manager, CAFCASS' },
    },
    'The CAFCASS referral to Service Manager, CAFCASS was prepared for sending as the procedure requires: “Egress”',
  ],
  [
    { kind: 'referral-sent', params: { routeName: 'CAFCASS', means: 'Egress', by: 'IRO, Northborough' } },
    'IRO, Northborough recorded that the CAFCASS referral was sent as the procedure requires: “Egress”',
  ],
  [
    { kind: 'meeting-required', params: { stageName: 'Stage 3', quote: 'They must meet.' } },
    'Guidance did not resolve it at Stage 3, so the meeting the procedure requires is being booked: “They must meet.”',
  ],
  [
    {
      kind: 'handed-to-sender',
      params: { by: 'Service Manager, Dudley', to: 'Director, Dudley', stageName: 'Stage 3b' },
    },
    'Service Manager, Dudley decided to raise Stage 3b; Director, Dudley reviews and sends it.',
  ],
  [
    { kind: 'dispute-raised', params: { procedureName: 'ANE Protocol', version: '2025-10' } },
    'Dispute raised under ANE Protocol (2025-10).',
  ],
  [
    { kind: 'not-resolved-informally', params: { stageName: 'Informal' } },
    'Informal: not resolved informally.',
  ],
  [
    {
      kind: 'stage-started',
      params: { stageName: 'Stage 1', parties: 'practitioner to TM', dueDate: '2026-11-30' },
    },
    'Stage 1 started (practitioner to TM). Due by Monday 30 November 2026.',
  ],
  [
    { kind: 'stage-started', params: { stageName: 'Stage 4', parties: 'directors', dueDate: null } },
    'Stage 4 started (directors).',
  ],
  [
    { kind: 'inform-unresolved', params: { role: 'Head of Service', quote: 'inform the HoS' } },
    'Could not find the Head of Service to inform: inform the HoS',
  ],
  [
    { kind: 'informed', params: { name: 'Ann Lee', quote: 'inform the HoS' } },
    'Ann Lee informed (inform the HoS)',
  ],
  [
    {
      kind: 'consulted',
      params: {
        name: 'SSAB Business Team',
        about: 'their opposite number',
        quote: 'the Business Team should be consulted',
      },
    },
    'No one found in the directory for their opposite number, so SSAB Business Team was consulted, as the procedure says: “the Business Team should be consulted”',
  ],
  [{ kind: 'stage-email-sent', params: { stageName: 'Stage 1' } }, 'Stage 1 email sent (High Importance).'],
  [{ kind: 'reply-received', params: { stageName: 'Stage 1' } }, 'Reply received for Stage 1.'],
  [{ kind: 'chased', params: {} }, 'Response chased.'],
  [
    { kind: 'decided-escalate', params: { by: 'Tom', stageName: 'Stage 2' } },
    'Tom decided to raise Stage 2.',
  ],
  [
    { kind: 'decided-informal', params: { by: 'Tom', quote: 'raise it informally' } },
    'Tom decided to raise it informally.',
  ],
  [{ kind: 'decision-accepted', params: { by: 'Tom' } }, 'Tom accepted the decision; the dispute ends here.'],
  [{ kind: 'informal-contact', params: {} }, 'Raised informally with the counterpart.'],
  [{ kind: 'bypassed', params: { stageName: 'Stage 3', skipped: [] } }, 'Moved to Stage 3.'],
  [
    { kind: 'bypassed', params: { stageName: 'Stage 4', skipped: ['Stage 2', 'Stage 3'] } },
    'Moved to Stage 4, past Stage 2, Stage 3.',
  ],
  [
    {
      kind: 'parties-not-found',
      params: {
        parties: [
          { role: 'Team Manager', side: 'counterpart' },
          { role: 'Chair', side: 'independent' },
        ],
      },
    },
    'No one found in the directory for: Team Manager (counterpart), Chair (independent).',
  ],
  [
    { kind: 'meeting-booked', params: { start: '2026-11-25T10:00:00.000Z', endsAfterDeadline: false } },
    'Meeting booked for 10:00, Wednesday 25 November 2026.',
  ],
  [
    { kind: 'meeting-booked', params: { start: '2026-11-25T10:00:00.000Z', endsAfterDeadline: true } },
    'Meeting booked for 10:00, Wednesday 25 November 2026. It ends after the stage deadline.',
  ],
  [
    { kind: 'meeting-unbookable', params: { reason: 'all busy' } },
    'No meeting slot could be found: all busy',
  ],
  [{ kind: 'meeting-response', params: { name: 'Ann Lee', response: 'declined' } }, 'Ann Lee: declined.'],
  [
    { kind: 'meeting-moved', params: { start: '2026-11-26T10:00:00.000Z' } },
    'Meeting moved to 10:00, Thursday 26 November 2026 by the convener.',
  ],
  [{ kind: 'meeting-held', params: { stageName: 'Stage 2' } }, 'Stage 2 meeting held.'],
  [
    { kind: 'returned-to-owner', params: { by: 'Sam', owner: 'Iris' } },
    'Sam recorded a response and returned the record to Iris.',
  ],
  [{ kind: 'referred', params: { routeName: 'Legal advice' } }, 'Referred: Legal advice.'],
  [{ kind: 'referral-outcome', params: { routeId: 'legal' } }, 'Outcome of the referral.'],
  [{ kind: 'stage-unresolved', params: { stageName: 'Stage 1' } }, 'Stage 1 not resolved.'],
  [{ kind: 'resolved', params: { stageName: 'Stage 2' } }, 'Resolved at Stage 2.'],
  [
    { kind: 'stage-overdue', params: { stageName: 'Stage 1', dueDate: '2026-11-30' } },
    'Stage 1 deadline (Monday 30 November 2026) passed.',
  ],
  [
    { kind: 'overall-limit-passed', params: { workingDays: 20, quote: 'Within 20 days.' } },
    'The 20-working-day limit has passed. Within 20 days.',
  ],
  [
    { kind: 'action-due', params: { description: 'Reinstate contact', owner: 'Team Manager' } },
    'Agreed action due: Reinstate contact (Team Manager).',
  ],
  [
    { kind: 'consultation-answered', params: { name: 'SSAB Business Team', stageName: 'Stage 2' } },
    'SSAB Business Team, consulted at Stage 2, answered.',
  ],
  [
    {
      kind: 'after-resolution-sent',
      params: { name: 'Independent Chair', by: 'Ann Lee', quote: 'brought to the attention of the Chair' },
    },
    'Ann Lee sent to Independent Chair, as the procedure asks: “brought to the attention of the Chair”',
  ],
  [
    {
      kind: 'note-recorded',
      params: {
        label: 'Independent legal advice sought',
        by: 'Ann Lee',
        quote: 'the IRO may seek independent legal advice',
      },
    },
    'Ann Lee recorded: Independent legal advice sought (“the IRO may seek independent legal advice”).',
  ],
  [
    {
      kind: 'action-done',
      params: {
        description: 'Reinstate contact',
        owner: 'Team Manager',
        doneOn: '2027-02-01',
        by: 'Practitioner',
      },
    },
    'Agreed action done on Monday 1 February 2027: Reinstate contact (Team Manager); marked by Practitioner.',
  ],
  [
    {
      kind: 'learning-followed-up',
      params: { itemId: 'policy-gaps', outcome: 'taken-to-board', by: 'Business Manager' },
    },
    'What became of the learning (policy-gaps): Taken to the board; recorded by Business Manager.',
  ],
  [
    {
      kind: 'advice-asked',
      params: { adviser: 'Director WCL', stageName: 'Chief Executive', quote: 'the Director will advise' },
    },
    'Director WCL advises whether to escalate to Chief Executive: “the Director will advise”',
  ],
  [
    { kind: 'advised-against', params: { by: 'Director WCL', stageName: 'Chief Executive', owner: 'IRO' } },
    'Director WCL advised against escalating to Chief Executive; the record returned to IRO.',
  ],
  [{ kind: 'withdrawn', params: {} }, 'Dispute withdrawn.'],
  [{ kind: 'record-closed', params: {} }, 'Record closed.'],
];

const OUTCOMES: readonly [OutcomeText, string][] = [
  ['Agreed a way forward.', 'Agreed a way forward.'],
  [{ kind: 'reply-agreed', stageName: 'Stage 1' }, 'The response at Stage 1 was agreed and accepted.'],
  [{ kind: 'not-agreed' }, 'Not agreed.'],
  [{ kind: 'no-response' }, 'No response by the deadline.'],
  [{ kind: 'stage-reply-not-agreed', stageName: 'Stage 1' }, 'The response at Stage 1 was not agreed.'],
  [
    { kind: 'stage-no-response', stageName: 'Stage 1', dueDate: '2026-11-30' },
    'No response was received at Stage 1 by Monday 30 November 2026.',
  ],
  [
    { kind: 'ended-after-final-stage', by: 'Ann Lee' },
    'Ann Lee ended the dispute after the final stage without a further referral.',
  ],
  [{ kind: 'with-note', summary: 'Direction given.', note: 'Authorised.' }, 'Direction given. (Authorised.)'],
  [{ kind: 'with-note', summary: { kind: 'not-agreed' }, note: 'Seen.' }, 'Not agreed. (Seen.)'],
];

const FRAME = {
  stageId: 'stage-1',
  stageName: 'Stage 1',
  contactType: 'system',
  between: [],
  at: '2026-11-23T10:00:00.000Z',
} as const;

describe('record lines in words', () => {
  it('covers every kind of line', () => {
    const kinds = new Set(LINES.map(([line]) => line.kind));
    // Each kind in the union must appear above: a new kind without a sentence fails here.
    const all: Record<RecordLine['kind'], true> = {
      'dispute-raised': true,
      'not-resolved-informally': true,
      'stage-started': true,
      'inform-unresolved': true,
      informed: true,
      consulted: true,
      'stage-email-sent': true,
      'reply-received': true,
      chased: true,
      'decided-escalate': true,
      'decided-informal': true,
      'advice-asked': true,
      'advised-against': true,
      'handed-to-sender': true,
      'meeting-required': true,
      'referral-prepared': true,
      'referral-sent': true,
      'decision-accepted': true,
      'informal-contact': true,
      bypassed: true,
      'parties-not-found': true,
      'meeting-booked': true,
      'meeting-unbookable': true,
      'meeting-response': true,
      'meeting-moved': true,
      'meeting-held': true,
      'returned-to-owner': true,
      referred: true,
      'referral-outcome': true,
      'stage-unresolved': true,
      resolved: true,
      'stage-overdue': true,
      'overall-limit-passed': true,
      'action-due': true,
      'note-recorded': true,
      'after-resolution-sent': true,
      'consultation-answered': true,
      'action-done': true,
      'learning-followed-up': true,
      withdrawn: true,
      'record-closed': true,
    };
    expect([...kinds].sort()).toEqual(Object.keys(all).sort());
  });

  it.each(LINES)('%j reads %j', (line, sentence) => {
    expect(recordLineText(line)).toBe(sentence);
  });

  it('shows a line stored before lines were data as its stored sentence', () => {
    const legacy: RecordEntry = {
      ...FRAME,
      summary: 'Stage 1 email sent (High Importance).',
      outcome: 'Typed.',
    };
    expect(recordLineText(legacy)).toBe('Stage 1 email sent (High Importance).');
    expect(recordEntryText(legacy)).toEqual({
      summary: 'Stage 1 email sent (High Importance).',
      outcome: 'Typed.',
    });
  });
});

describe('outcomes and reasons in words', () => {
  it.each(OUTCOMES)(
    '%j reads %j (one wording for cards and emails: src/wording/outcomes.ts)',
    (text, sentence) => {
      expect(outcomeText(text)).toBe(sentence);
    },
  );

  it('words an entry and its outcome together, and no outcome as none', () => {
    const entry: RecordEntry = {
      ...FRAME,
      kind: 'stage-unresolved',
      params: { stageName: 'Stage 1' },
      outcome: { kind: 'stage-reply-not-agreed', stageName: 'Stage 1' },
    };
    expect(recordEntryText(entry)).toEqual({
      summary: 'Stage 1 not resolved.',
      outcome: 'The response at Stage 1 was not agreed.',
    });
    expect(recordEntryText({ ...FRAME, kind: 'chased', params: {} }).outcome).toBeNull();
  });
});

describe("the dispute's timeline", () => {
  it('shows stored sentences and the lines a raise writes side by side, in order', () => {
    const ane = getProcedure('ane');
    if (!ane) throw new Error('the ANE procedure is bundled');
    const roles = ['practitioner', 'team-manager'];
    const w = new Walk(ane, fixtureResolver({ ane: roles, gateshead: roles }), '2026-11-23T10:00:00Z').send({
      type: 'raised',
      disputeId: 'd1',
      by: person('ane', 'practitioner'),
      immediateRiskChecked: true,
      caseReference: 'ANE-2026-0042',
      raisingOrganisationId: 'ane',
      counterpartOrganisationId: 'gateshead',
      category: 'drift-and-delay',
      details: RAISE_DETAILS,
    });
    const written = w.lastOf('record').map((r) => r.entry);
    expect(written.map((e) => e.kind)).toEqual(['dispute-raised', 'not-resolved-informally']);
    const records: RecordEntry[] = [
      { ...FRAME, summary: 'A line from before.', outcome: 'As typed.' },
      ...written,
    ];
    const vm = disputeDetailModel({
      state: w.s,
      procedure: ane,
      records,
      partnerOrganisation: 'Gateshead',
      now: '2026-11-23T10:00:00Z',
      viewer: acting,
    });
    expect(vm.timeline.map((e) => [e.summary, e.outcome])).toEqual([
      ['A line from before.', 'As typed.'],
      [`Dispute raised under ${ane.name} (${ane.version}).`, null],
      [`${ane.stages[0]?.name}: not resolved informally.`, RAISE_DETAILS.informalAttempts],
    ]);
  });
});
