/**
 * The chaos run's procedures, as data: who raises and what they enter, each step a person or the
 * other agency takes, what shows that a step happened, and what must exist exactly once at the end.
 * The driver (chaos.ts) has no procedure in it. People are the merged sample directory's
 * (directory.ts); the walks are those of tests/integration/procedure-journeys.test.ts (the main
 * ladder from raise to the written confirmation), taken as the people would take them in Teams.
 *
 * Steps:
 * - `click`: the person presses the button with `verb` on their latest card for the dispute (with
 *   `inputs` filled in by input id, or part of it), again if need be until `done` is seen;
 * - `reply`: the other agency's person replies on the email whose subject matches;
 * - `accept-meeting`: every attendee accepts the dispute's meeting (subject matching) on the
 *   convener's calendar;
 * - `after-meeting`: the test clock moves past the end of that meeting (one move for all disputes).
 */

/** What can be seen outside Concord: an email in an inbox, a live meeting on a calendar, a card in a chat. */
export type Evidence =
  | { readonly kind: 'email'; readonly mailbox: string; readonly subject: RegExp }
  | { readonly kind: 'meeting'; readonly convener: string; readonly subject: RegExp }
  /** At least `nth` (default 1) cards posted to the person with a `verb` button for the dispute. */
  | { readonly kind: 'card'; readonly person: string; readonly verb: string; readonly nth?: number };

export type ChaosStep =
  | {
      readonly kind: 'click';
      /** Directory id of the person (their Teams user id is `teams-<id>`). */
      readonly person: string;
      readonly verb: string;
      readonly inputs?: Readonly<Record<string, string>>;
      readonly done: Evidence;
    }
  | {
      readonly kind: 'reply';
      readonly mailbox: string;
      readonly subject: RegExp;
      readonly text: string;
      /** What shows Concord has the reply (the card that shows it); waited for, never replied again. */
      readonly done: Evidence;
    }
  | { readonly kind: 'accept-meeting'; readonly convener: string; readonly subject: RegExp }
  | { readonly kind: 'after-meeting'; readonly convener: string; readonly subject: RegExp };

export interface ChaosProcedure {
  readonly id: string;
  /** The raiser's directory id. */
  readonly raiser: string;
  /**
   * What the raiser enters, by input id ("Before you start" and the form); every other text box
   * gets a plain sentence, every other choice its first option.
   */
  readonly raise: Readonly<Record<string, string>>;
  readonly steps: readonly ChaosStep[];
  /** Each must exist exactly once at the end (emails in the inbox, live meetings on the calendar). */
  readonly once: readonly Exclude<Evidence, { kind: 'card' }>[];
  /**
   * Cards a person is asked to act on, "person verb" → how many are posted into their chat in the
   * walk (a card is posted again when what it shows changes, e.g. the other agency's reply on the
   * outcome card). A click step's (person, verb) not listed here must be posted exactly once.
   */
  readonly cards?: Readonly<Record<string, number>>;
}

const email = (mailbox: string, subject: RegExp): Evidence => ({ kind: 'email', mailbox, subject });
const meeting = (convener: string, subject: RegExp): Evidence => ({ kind: 'meeting', convener, subject });
const card = (person: string, verb: string, nth = 1): Evidence => ({ kind: 'card', person, verb, nth });
const click = (
  person: string,
  verb: string,
  done: Evidence,
  inputs?: Readonly<Record<string, string>>,
): ChaosStep => ({ kind: 'click', person, verb, done, ...(inputs ? { inputs } : {}) });
const reply = (mailbox: string, subject: RegExp, done: Evidence): ChaosStep => ({
  kind: 'reply',
  mailbox,
  subject,
  text: 'Our response: we will review the case file and reply in writing.',
  done,
});
/** Everyone accepts the meeting, and the clock moves past its end. */
const meetingHeld = (convener: string, subject: RegExp): ChaosStep[] => [
  { kind: 'accept-meeting', convener, subject },
  { kind: 'after-meeting', convener, subject },
];
const notResolved = { resolved: 'not-resolved', summary: 'Not agreed at this stage.' };
const notResolvedHeld = { ...notResolved, minutes: 'Minutes: positions heard; see the outcome.' };
const resolvedHeld = {
  resolved: 'resolved',
  summary: 'Agreed: a joint strategy discussion on 20 January.',
  minutes: 'Minutes: positions heard; see the outcome.',
};
/** The first email of a stage (not a reply on its thread). */
const stageMail = (stage: string) => new RegExp(`^(?!RE:).*${stage}$`, 'i');
const CONFIRMATION = /written confirmation/i;

// ── ANE: Adopt North East and Gateshead.
const GATESHEAD_TM = 'team.manager@gateshead.example';
const GATESHEAD_SM = 'service.manager@gateshead.example';
const ANE_CONVENER = 'head.of.service@ane.example';

export const ANE: ChaosProcedure = {
  id: 'ane',
  raiser: 'ane-practitioner',
  raise: {
    counterpartOrganisationId: 'gateshead',
    category: 'incomplete-documentation',
    issue: 'The child permanence report is incomplete, which delays matching.',
    informalAttempts: 'Raised with the allocated social worker on 4 January 2027; no date given.',
    resolutionSought: 'A completed report within ten working days.',
  },
  steps: [
    click('ane-team-manager', 'escalate', email(GATESHEAD_TM, /^(?!RE:).*Stage 1/i)),
    reply(GATESHEAD_TM, /^(?!RE:).*Stage 1/i, card('ane-team-manager', 'ack-not-agreed')),
    click('ane-team-manager', 'ack-not-agreed', email(GATESHEAD_TM, /^RE:.*Stage 1/i), {
      note: 'The date does not meet the matching panel.',
    }),
    click('ane-service-manager', 'escalate', email(GATESHEAD_SM, /^(?!RE:).*Stage 2/i)),
    reply(GATESHEAD_SM, /^(?!RE:).*Stage 2/i, card('ane-service-manager', 'ack-not-agreed')),
    click('ane-service-manager', 'ack-not-agreed', email(GATESHEAD_SM, /^RE:.*Stage 2/i), {
      note: 'Still too late for the panel.',
    }),
    click('ane-assistant-director', 'escalate', meeting(ANE_CONVENER, /Stage 3/)),
    ...meetingHeld(ANE_CONVENER, /Stage 3/),
    click('ane-assistant-director', 'record-outcome', email(GATESHEAD_TM, CONFIRMATION), {
      resolved: 'resolved',
      summary: 'Resolved: the report will be completed by 29 January 2027.',
      minutes: 'Stage 3 meeting held; the report date was agreed.',
      description: 'Complete the child permanence report',
      owner: 'Team Manager, Gateshead',
      due: '2027-02-26',
    }),
  ],
  once: [
    { kind: 'email', mailbox: GATESHEAD_TM, subject: /^(?!RE:).*Stage 1/i },
    { kind: 'email', mailbox: GATESHEAD_TM, subject: /^RE:.*Stage 1/i },
    { kind: 'email', mailbox: GATESHEAD_SM, subject: /^(?!RE:).*Stage 2/i },
    { kind: 'email', mailbox: GATESHEAD_SM, subject: /^RE:.*Stage 2/i },
    { kind: 'meeting', convener: ANE_CONVENER, subject: /Stage 3/ },
    { kind: 'email', mailbox: GATESHEAD_TM, subject: CONFIRMATION },
  ],
};

// ── Dudley DSCB: Dudley MBC children's services and Dudley Police.
const DUDLEY_DC = 'detective.constable@dudley-police.example';
const DUDLEY_DS = 'detective.sergeant@dudley-police.example';
const DUDLEY_DCI = 'detective.chief.inspector@dudley-police.example';
const DUDLEY_CS = 'chief.superintendent@dudley-police.example';
const DUDLEY_SM = 'senior.manager@dudley-council.example';
const DUDLEY_DIRECTOR = 'director@dudley-council.example';

export const DUDLEY: ChaosProcedure = {
  id: 'dudley-dscb',
  raiser: 'dudley-council-social-worker',
  raise: { counterpartOrganisationId: 'dudley-police', urgency: 'longer-period' },
  steps: [
    reply(DUDLEY_DC, stageMail('Stage 1'), card('dudley-council-social-worker', 'record-outcome', 2)),
    click(
      'dudley-council-social-worker',
      'record-outcome',
      card('dudley-council-social-worker', 'escalate'),
      notResolved,
    ),
    click('dudley-council-social-worker', 'escalate', card('dudley-council-team-manager', 'escalate')),
    click('dudley-council-team-manager', 'escalate', email(DUDLEY_DS, stageMail('Stage 2'))),
    reply(DUDLEY_DS, stageMail('Stage 2'), card('dudley-council-team-manager', 'record-outcome', 2)),
    click(
      'dudley-council-team-manager',
      'record-outcome',
      card('dudley-council-team-manager', 'escalate', 2),
      notResolved,
    ),
    click('dudley-council-team-manager', 'escalate', meeting(DUDLEY_SM, /Stage 3a meeting/)),
    ...meetingHeld(DUDLEY_SM, /Stage 3a meeting/),
    click(
      'dudley-council-service-manager',
      'record-outcome',
      card('dudley-council-service-manager', 'escalate'),
      notResolvedHeld,
    ),
    click('dudley-council-service-manager', 'escalate', card('dudley-council-director', 'escalate')),
    click('dudley-council-director', 'escalate', meeting(DUDLEY_DIRECTOR, /Stage 3b meeting/)),
    ...meetingHeld(DUDLEY_DIRECTOR, /Stage 3b meeting/),
    click('dudley-council-director', 'record-outcome', email(DUDLEY_DC, CONFIRMATION), resolvedHeld),
  ],
  once: [
    { kind: 'email', mailbox: DUDLEY_DC, subject: stageMail('Stage 1') },
    { kind: 'email', mailbox: DUDLEY_DS, subject: stageMail('Stage 2') },
    { kind: 'meeting', convener: DUDLEY_SM, subject: /Stage 3a meeting/ },
    { kind: 'email', mailbox: 'head.of.safeguarding@dudley-council.example', subject: stageMail('Stage 3a') },
    { kind: 'meeting', convener: DUDLEY_DIRECTOR, subject: /Stage 3b meeting/ },
    { kind: 'email', mailbox: DUDLEY_CS, subject: stageMail('Stage 3b') },
    ...[DUDLEY_DC, DUDLEY_DS, DUDLEY_DCI, DUDLEY_CS].map((mailbox) => ({
      kind: 'email' as const,
      mailbox,
      subject: CONFIRMATION,
    })),
  ],
  cards: {
    // The outcome card again once the other agency's reply is on it.
    'dudley-council-social-worker record-outcome': 2,
    // Stage 1's hand-over to the team manager, and Stage 2's decision.
    'dudley-council-team-manager record-outcome': 2,
    'dudley-council-team-manager escalate': 2,
  },
};

// ── NEL LSCB/SAB: NEL children's services and NEL Community Health.
const NEL_PRACTITIONER = 'practitioner@nel-health.example';
const NEL_LM = 'line.manager@nel-health.example';
const NEL_HOS = 'head.of.service@nel-health.example';
const NEL_AD = 'assistant.director@nel-health.example';
const NEL_CONVENER = 'assistant.director@nel-childrens.example';

export const NEL: ChaosProcedure = {
  id: 'nel-lscb-sab',
  raiser: 'nel-childrens-practitioner',
  raise: { about: 'child', counterpartOrganisationId: 'nel-health' },
  steps: [
    click('nel-childrens-practitioner', 'escalate', email(NEL_PRACTITIONER, stageMail('Stage 1'))),
    reply(NEL_PRACTITIONER, stageMail('Stage 1'), card('nel-childrens-practitioner', 'record-outcome', 2)),
    click(
      'nel-childrens-practitioner',
      'record-outcome',
      card('nel-childrens-line-manager', 'escalate'),
      notResolved,
    ),
    click('nel-childrens-line-manager', 'escalate', email(NEL_LM, stageMail('Stage 2'))),
    reply(NEL_LM, stageMail('Stage 2'), card('nel-childrens-line-manager', 'record-outcome', 2)),
    click(
      'nel-childrens-line-manager',
      'record-outcome',
      card('nel-childrens-line-manager', 'escalate', 2),
      notResolved,
    ),
    click('nel-childrens-line-manager', 'escalate', card('nel-childrens-head-of-service', 'escalate')),
    click('nel-childrens-head-of-service', 'escalate', email(NEL_HOS, stageMail('Stage 3'))),
    reply(NEL_HOS, stageMail('Stage 3'), card('nel-childrens-head-of-service', 'record-outcome', 2)),
    click(
      'nel-childrens-head-of-service',
      'record-outcome',
      card('nel-childrens-head-of-service', 'escalate', 2),
      notResolved,
    ),
    click('nel-childrens-head-of-service', 'escalate', meeting(NEL_CONVENER, /Stage 4 meeting/)),
    ...meetingHeld(NEL_CONVENER, /Stage 4 meeting/),
    click(
      'nel-childrens-assistant-director',
      'record-outcome',
      email(NEL_PRACTITIONER, CONFIRMATION),
      resolvedHeld,
    ),
  ],
  once: [
    { kind: 'email', mailbox: NEL_PRACTITIONER, subject: stageMail('Stage 1') },
    { kind: 'email', mailbox: NEL_LM, subject: stageMail('Stage 2') },
    { kind: 'email', mailbox: NEL_HOS, subject: stageMail('Stage 3') },
    { kind: 'email', mailbox: NEL_PRACTITIONER, subject: /for your information/ },
    { kind: 'email', mailbox: 'practitioner@nel-childrens.example', subject: /for your information/ },
    { kind: 'meeting', convener: NEL_CONVENER, subject: /Stage 4 meeting/ },
    ...[NEL_PRACTITIONER, NEL_LM, NEL_HOS, NEL_AD].map((mailbox) => ({
      kind: 'email' as const,
      mailbox,
      subject: CONFIRMATION,
    })),
  ],
  cards: {
    'nel-childrens-practitioner record-outcome': 2,
    'nel-childrens-line-manager record-outcome': 2,
    'nel-childrens-line-manager escalate': 2,
    'nel-childrens-head-of-service record-outcome': 2,
    'nel-childrens-head-of-service escalate': 2,
  },
};

// ── Solihull SSAB: Solihull adult social care and Solihull Community NHS Trust; Stage 4 from the SSAB Business Team.
const SOLIHULL_STAFF = 'staff.member@solihull-health.example';
const SOLIHULL_LM = 'line.manager@solihull-health.example';
const SOLIHULL_DIRECTOR = 'director@solihull-health.example';
const SOLIHULL_CONVENER = 'business.team@ssab.solihull.example';

export const SOLIHULL: ChaosProcedure = {
  id: 'solihull-ssab',
  raiser: 'solihull-adults-staff-member',
  raise: { counterpartOrganisationId: 'solihull-health' },
  steps: [
    reply(SOLIHULL_STAFF, stageMail('Stage 1'), card('solihull-adults-staff-member', 'record-outcome', 2)),
    click(
      'solihull-adults-staff-member',
      'record-outcome',
      card('solihull-adults-staff-member', 'escalate'),
      notResolved,
    ),
    click('solihull-adults-staff-member', 'escalate', card('solihull-adults-line-manager', 'escalate')),
    click('solihull-adults-line-manager', 'escalate', email(SOLIHULL_LM, stageMail('Stage 2'))),
    reply(SOLIHULL_LM, stageMail('Stage 2'), card('solihull-adults-line-manager', 'record-outcome', 2)),
    click(
      'solihull-adults-line-manager',
      'record-outcome',
      card('solihull-adults-line-manager', 'escalate', 2),
      notResolved,
    ),
    click('solihull-adults-line-manager', 'escalate', card('solihull-adults-director', 'escalate')),
    click('solihull-adults-director', 'escalate', email(SOLIHULL_DIRECTOR, stageMail('Stage 3'))),
    reply(SOLIHULL_DIRECTOR, stageMail('Stage 3'), card('solihull-adults-director', 'record-outcome', 2)),
    click(
      'solihull-adults-director',
      'record-outcome',
      card('solihull-adults-director', 'escalate', 2),
      notResolved,
    ),
    click('solihull-adults-director', 'escalate', meeting(SOLIHULL_CONVENER, /Stage 4 meeting/)),
    ...meetingHeld(SOLIHULL_CONVENER, /Stage 4 meeting/),
    click('solihull-adults-director', 'record-outcome', email(SOLIHULL_STAFF, CONFIRMATION), resolvedHeld),
  ],
  once: [
    { kind: 'email', mailbox: SOLIHULL_STAFF, subject: stageMail('Stage 1') },
    { kind: 'email', mailbox: SOLIHULL_LM, subject: stageMail('Stage 2') },
    { kind: 'email', mailbox: SOLIHULL_DIRECTOR, subject: stageMail('Stage 3') },
    { kind: 'email', mailbox: 'safeguarding.lead@solihull-health.example', subject: stageMail('Stage 3') },
    { kind: 'meeting', convener: SOLIHULL_CONVENER, subject: /Stage 4 meeting/ },
    ...[
      SOLIHULL_STAFF,
      SOLIHULL_LM,
      SOLIHULL_DIRECTOR,
      'safeguarding.lead@solihull-health.example',
      'sub.committee.chair@solihull-police.example',
    ].map((mailbox) => ({ kind: 'email' as const, mailbox, subject: CONFIRMATION })),
  ],
  cards: {
    'solihull-adults-staff-member record-outcome': 2,
    'solihull-adults-line-manager record-outcome': 2,
    'solihull-adults-line-manager escalate': 2,
    'solihull-adults-director record-outcome': 3,
    'solihull-adults-director escalate': 2,
  },
};

// ── IRO DRP: the IRO (Children's Services Support Unit) and Northborough children's social care,
// both in the host tenant (no email to another tenant; the meetings and the record are the evidence).
const NB = 'childrens.northborough.example';
const IRO_PERSON = 'northborough-cssu-iro';
const IRO_STAGES: readonly [person: string, convener: string, meeting: RegExp][] = [
  ['northborough-csc-group-manager', `group.manager@${NB}`, /Stage two meeting/],
  ['northborough-csc-service-manager', `service.manager@${NB}`, /Stage three meeting/],
  ['northborough-csc-assistant-director', `assistant.director@${NB}`, /Stage four meeting/],
];
const IRO_DIRECTOR = 'northborough-csc-director';
const IRO_CE = 'northborough-csc-chief-executive';

export const IRO: ChaosProcedure = {
  id: 'iro-drp',
  raiser: IRO_PERSON,
  raise: { counterpartOrganisationId: 'northborough-csc' },
  steps: [
    click(IRO_PERSON, 'record-outcome', card(IRO_PERSON, 'escalate'), notResolved),
    // Stages 2–4: the record is reassigned; guidance does not resolve it, so the meeting the
    // procedure requires is booked; after it the record returns to the IRO, who escalates.
    ...IRO_STAGES.flatMap(([person, convener, subject], i): ChaosStep[] => [
      click(IRO_PERSON, 'escalate', card(person, 'record-outcome')),
      click(person, 'record-outcome', meeting(convener, subject), notResolved),
      ...meetingHeld(convener, subject),
      click(person, 'record-outcome', card(IRO_PERSON, 'escalate', i + 2), notResolvedHeld),
    ]),
    // Stage 5, the Director: the hand-over, then guidance, then the meeting.
    click(IRO_PERSON, 'escalate', card(IRO_DIRECTOR, 'escalate')),
    click(IRO_DIRECTOR, 'escalate', card(IRO_DIRECTOR, 'record-outcome')),
    click(IRO_DIRECTOR, 'record-outcome', meeting(`director@${NB}`, /Director WCL meeting/), notResolved),
    ...meetingHeld(`director@${NB}`, /Director WCL meeting/),
    // The Director advises whether to escalate to the Chief Executive (not the IRO).
    click(IRO_DIRECTOR, 'record-outcome', card(IRO_DIRECTOR, 'escalate', 2), notResolvedHeld),
    // Stage 6, the Chief Executive: resolved, and the IRO authorises it.
    click(IRO_DIRECTOR, 'escalate', card(IRO_CE, 'escalate')),
    click(IRO_CE, 'escalate', card(IRO_CE, 'record-outcome')),
    click(IRO_CE, 'record-outcome', card(IRO_PERSON, 'resolve', 4), {
      resolved: 'resolved',
      summary: 'Agreed: a joint strategy discussion on 20 January.',
    }),
    click(IRO_PERSON, 'resolve', email('iro@cssu.northborough.example', CONFIRMATION), {
      summary: 'Authorised: resolved.',
    }),
  ],
  once: [
    ...IRO_STAGES.map(([, convener, subject]) => ({ kind: 'meeting' as const, convener, subject })),
    { kind: 'meeting', convener: `director@${NB}`, subject: /Director WCL meeting/ },
    {
      kind: 'email',
      mailbox: 'cssu.service.manager@cssu.northborough.example',
      subject: /for your information/,
    },
    ...['iro@cssu.northborough.example', `service.manager@${NB}`, `assistant.director@${NB}`].map(
      (mailbox) => ({
        kind: 'email' as const,
        mailbox,
        subject: stageMail('Director WCL'),
      }),
    ),
    ...['iro@cssu.northborough.example', `director@${NB}`].map((mailbox) => ({
      kind: 'email' as const,
      mailbox,
      subject: stageMail('Chief Executive'),
    })),
    ...[
      'iro@cssu.northborough.example',
      'cssu.service.manager@cssu.northborough.example',
      `social.worker@${NB}`,
      `team.manager@${NB}`,
      `group.manager@${NB}`,
      `service.manager@${NB}`,
      `assistant.director@${NB}`,
      `director@${NB}`,
    ].map((mailbox) => ({ kind: 'email' as const, mailbox, subject: CONFIRMATION })),
  ],
  cards: {
    // Stage 1's decision, and each time the record returns to the IRO after Stages 2–4 and 6
    // (after Stage 5 the Director advises instead).
    [`${IRO_PERSON} escalate`]: 4,
    [`${IRO_PERSON} resolve`]: 4,
    // The Director's hand-over card for Stage 5, and their advice on the Chief Executive.
    [`${IRO_DIRECTOR} escalate`]: 2,
    // Each reassigned person's card at the stage's start, and again after its meeting.
    ...Object.fromEntries(IRO_STAGES.map(([person]) => [`${person} record-outcome`, 2])),
    [`${IRO_DIRECTOR} record-outcome`]: 2,
  },
};

/** Every procedure the chaos run drives, by id. */
export const CHAOS_PROCEDURES: Readonly<Record<string, ChaosProcedure>> = {
  ane: ANE,
  'dudley-dscb': DUDLEY,
  'nel-lscb-sab': NEL,
  'solihull-ssab': SOLIHULL,
  'iro-drp': IRO,
};
