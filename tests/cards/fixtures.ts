/**
 * Representative view-models for every card template, with hostile text in every free-text field
 * (markup, markdown links, template syntax), built from the bundled ANE procedure.
 */
import {
  decisionFromCardView,
  EMPTY_RAISE_DRAFT,
  errorFromRefusal,
  immediateRiskModel,
  raiseDisputeModel,
  raiseStartModel,
  shortStageName,
} from '../../src/cards/from-domain.ts';
import { VERBS } from '../../src/cards/verbs.ts';
import type {
  CardViewModels,
  Deadlines,
  DisputeHeader,
  TemplateName,
  Viewer,
} from '../../src/cards/view-models.ts';
import { getProcedure, loadProcedures } from '../../src/procedures/index.ts';

/** Template syntax, written without a literal `${` so linters do not mistake it for a JS template. */
const BINDING = ['$', '{$root.secret}'].join('');
export const HOSTILE = `<script>alert(1)</script> [click](http://evil) **bold** ${BINDING} www.evil.example`;
/** Substrings that must never reach the page as markup, links or bound data. */
export const HOSTILE_MARKERS = ['<script>', '[click](http://evil)', '**bold**', BINDING];

const ane = getProcedure('ane');
if (!ane) throw new Error('the ANE procedure is missing');
export const ANE = ane;
const stage1 = ANE.stages[1];
if (!stage1) throw new Error('ANE has no Stage 1');

export const NOW = '2026-12-03T10:00:00.000Z';
export const ALEX = { id: 'tm-ane-1', name: 'Alex Wilber' };
export const MEGAN = { id: 'sm-ane-1', name: 'Megan Bowen' };
export const acting: Viewer = { personId: ALEX.id, refreshUserIds: ['29:alex-teams-id'] };
export const watching: Viewer = { personId: MEGAN.id, refreshUserIds: ['29:megan-teams-id'] };

export const deadlines: Deadlines = {
  stageStartedAt: '2026-11-30T09:00:00.000Z',
  stageDue: '2026-12-07T23:59:59.999Z',
  stageDueDate: '2026-12-07',
  overallStartedAt: '2026-11-30T09:00:00.000Z',
  overallDue: '2027-01-04T23:59:59.999Z',
  overallWorkingDays: 20,
};

export const header: DisputeHeader = {
  disputeId: 'd-0001',
  seq: 7,
  caseReference: 'GH-2026/0412',
  procedureName: ANE.name,
  stageName: stage1.name,
  deadlines,
};

const step = { dispute: header, now: NOW, viewer: acting, awaiting: ALEX, stale: false };

export const FIXTURES: { [K in TemplateName]: CardViewModels[K] } = {
  welcome: { userName: `Alex ${HOSTILE}` },
  help: {
    procedures: [...loadProcedures().values()].map((p) => ({
      shortName: p.shortName,
      name: p.name,
      overallWorkingDays: p.overall?.workingDays ?? null,
    })),
  },
  error: errorFromRefusal(
    {
      reason: 'not-your-step',
      code: 'step-for-someone-else',
      params: { who: `the Team Manager ${HOSTILE}` },
    },
    'd-0001',
  ),
  'immediate-risk': immediateRiskModel(ANE, 'ask'),
  'raise-dispute': raiseDisputeModel({
    draftId: 'draft-1',
    seq: 2,
    procedure: ANE,
    procedures: [...loadProcedures().values()],
    partners: [
      { value: 'gateshead', title: 'Gateshead Council' },
      { value: 'newcastle', title: 'Newcastle City Council' },
    ],
    draft: {
      ...EMPTY_RAISE_DRAFT,
      caseReference: 'GH-2026/0412',
      issue: `Contact plan changed without review. ${HOSTILE}`,
    },
    errors: {
      category: 'Choose a category from the ANE procedure.',
      informalAttempts: `Say what has been tried informally. ${HOSTILE}`,
    },
    savedAt: '2026-12-02T16:30:00.000Z',
    viewer: acting,
  }),
  'raise-start': raiseStartModel({
    draftId: 'draft-1',
    seq: 1,
    procedure: getProcedure('nel-lscb-sab')!,
    procedures: [ANE, getProcedure('nel-lscb-sab')!],
    notice: `Now showing what NEL does not cover. ${HOSTILE}`,
    errors: { about: `Say who it is about. ${HOSTILE}` },
  }),
  decision: decisionFromCardView(
    {
      disputeId: header.disputeId,
      caseReference: header.caseReference,
      procedureName: ANE.name,
      stageName: 'Informal Resolution',
      title: `Decide whether to raise ${stage1.name}`,
      text: [`Informal discussion did not resolve it. ${HOSTILE}`, stage1.entry?.quote ?? ''],
      due: null,
      dueDate: null,
      overallDue: null,
      overallWorkingDays: 20,
      actions: [
        { verb: VERBS.escalate, title: `Raise ${shortStageName(stage1)}` },
        { verb: VERBS.informal, title: 'Raise informally' },
        { verb: VERBS.accept, title: 'Accept the decision' },
      ],
      facts: [
        { label: 'Case reference', value: header.caseReference },
        { label: 'Stage', value: 'Informal Resolution' },
        { label: 'Raised by', value: `Adele Vance ${HOSTILE}` },
      ],
    },
    {
      seq: 7,
      stageStartedAt: '2026-11-30T09:00:00.000Z',
      overallStartedAt: null,
      now: NOW,
      viewer: acting,
      awaiting: ALEX,
      stale: false,
    },
  ),
  'review-statement': {
    ...step,
    stageToRaise: shortStageName(stage1),
    recipients: ['Team Manager, Gateshead Council'],
    responseWorkingDays: 5,
    statement: {
      issue: `The agreed contact plan was changed without a review meeting. ${HOSTILE}`,
      informalAttempts: 'Raised with the allocated social worker on 24 Nov; no change.',
      resolutionSought: 'Reinstate the agreed plan until a review is held.',
    },
    labels: {
      issue: 'The problem identified',
      informalAttempts: 'Details of attempts to resolve the problem informally',
      resolutionSought: 'The resolution sought',
    },
    options: { informal: true, accept: true },
    errors: { resolutionSought: `Too long. ${HOSTILE}` },
  },
  'review-reply': {
    ...step,
    reply: {
      from: 'Sam Counterpart (Gateshead Council)',
      at: '2026-12-02T14:05:00.000Z',
      text: `We will hold a review by 10 December.\n\nActions: 1) reinstate contact. ${HOSTILE}`,
    },
    responseMustInclude: [
      'Actions that are specific, measurable, achievable, realistic and time-limited (SMART)',
    ],
    errors: {},
  },
  meeting: {
    ...step,
    dispute: { ...header, stageName: 'Formal Resolution Process – Stage 3' },
    meeting: {
      subject: `ANE dispute GH-2026/0412: Stage 3 meeting ${HOSTILE}`,
      start: '2026-12-08T10:00:00.000Z',
      end: '2026-12-08T11:00:00.000Z',
      joinUrl: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0',
      convener: 'Alex Wilber',
      attendees: [
        { name: 'Megan Bowen', required: true, external: false, response: 'accepted' },
        { name: `Sam Counterpart ${HOSTILE}`, required: true, external: true, response: 'notResponded' },
        { name: 'Adele Vance', required: false, external: false, response: 'declined' },
      ],
    },
    otherSlots: [
      { start: '2026-12-08T14:00:00.000Z', end: '2026-12-08T15:00:00.000Z' },
      { start: '2026-12-09T09:30:00.000Z', end: '2026-12-09T10:30:00.000Z' },
    ],
    errors: {},
  },
  outcome: {
    ...step,
    askMinutes: true,
    draft: {
      minutes: `Attendees agreed the plan. ${HOSTILE}`,
      resolved: '',
      summary: '',
      actions: [
        {
          description: 'Reinstate weekly contact',
          owner: 'Team Manager, Gateshead Council',
          dueDate: '2026-12-11',
        },
      ],
    },
    mustInclude: ['Minutes of the Meeting will be taken.'],
    errors: { resolved: 'Say whether the dispute is resolved.', action2Owner: `Name the owner. ${HOSTILE}` },
  },
  'my-disputes': {
    now: NOW,
    viewer: acting,
    disputes: [
      {
        disputeId: 'd-0001',
        caseReference: 'GH-2026/0412',
        procedureShortName: 'ANE',
        stageName: stage1.name,
        status: 'open',
        deadlines,
        awaiting: 'Sam Counterpart',
      },
      {
        disputeId: 'd-0002',
        caseReference: `NC-2026/0077`,
        procedureShortName: 'ANE',
        stageName: 'Informal Resolution',
        status: 'open',
        deadlines: {
          ...deadlines,
          stageStartedAt: '2026-11-23T09:00:00.000Z',
          stageDue: '2026-12-04T23:59:59.999Z',
          stageDueDate: '2026-12-04',
          overallDue: null,
          overallStartedAt: null,
        },
        awaiting: `Alex ${HOSTILE}`,
      },
      {
        disputeId: 'd-0003',
        caseReference: 'SD-2026/0003',
        procedureShortName: 'ANE',
        stageName: 'Formal Resolution Process – Stage 2',
        status: 'open',
        deadlines: { ...deadlines, stageDue: '2026-12-01T23:59:59.999Z', stageDueDate: '2026-12-01' },
        awaiting: null,
      },
    ],
  },
  'dispute-detail': {
    dispute: header,
    now: NOW,
    viewer: acting,
    status: 'open',
    category: ANE.categories[0]?.label ?? 'Incomplete documentation',
    partnerOrganisation: 'Gateshead Council',
    raisedBy: 'Adele Vance',
    raisedAt: '2026-11-25T09:12:00.000Z',
    awaiting: 'Sam Counterpart',
    timeline: [
      {
        at: '2026-11-25T09:12:00.000Z',
        stageName: 'Informal Resolution',
        summary: 'Dispute raised.',
        outcome: null,
        between: ['Adele Vance'],
      },
      {
        at: '2026-11-30T09:00:00.000Z',
        stageName: stage1.name,
        summary: `Stage 1 email sent. ${HOSTILE}`,
        outcome: null,
        between: ['Alex Wilber', 'Sam Counterpart'],
      },
      {
        at: '2026-12-02T14:05:00.000Z',
        stageName: stage1.name,
        summary: 'Reply received.',
        outcome: `Actions proposed ${HOSTILE}`,
        between: [],
      },
    ],
    notes: [
      {
        id: 'independent-legal-advice',
        label: 'Independent legal advice sought',
        quote: `At any point in the process, the IRO may seek independent legal advice ${HOSTILE}`,
        mustNotRecord: ['Views on the performance of individual staff, for example, must not be recorded.'],
      },
    ],
  },
};

/** The buttons each fixture must show (titles). */
export const EXPECTED_BUTTONS: { [K in TemplateName]: readonly string[] } = {
  welcome: ['Raise a dispute', 'My disputes', 'Help'],
  help: ['Raise a dispute', 'My disputes'],
  error: ['Open the dispute', 'My disputes', 'Help'],
  'immediate-risk': ['Yes — show me who to contact', 'No — continue', 'Cancel'],
  'raise-dispute': ['Submit', 'Save draft', 'Change procedure'],
  'raise-start': ['It is none of these: continue', 'Cancel'],
  decision: ['Raise Stage 1', 'Raise informally', 'Accept the decision'],
  'review-statement': ['Send Stage 1 email', 'Raise informally', 'Accept the decision'],
  'review-reply': ['Agreed', 'Not agreed'],
  meeting: ['Join the meeting', 'Move'],
  outcome: ['Record the outcome'],
  'my-disputes': ['Open', 'Raise a dispute', 'Help'],
  'dispute-detail': ['Record the note', 'My disputes', 'Refresh'],
};

/** Templates that are about a dispute, so show the deadline and the overall cap. */
export const DISPUTE_TEMPLATES: readonly TemplateName[] = [
  'decision',
  'review-statement',
  'review-reply',
  'meeting',
  'outcome',
  'my-disputes',
  'dispute-detail',
];

export { watching as WATCHING_VIEWER };
