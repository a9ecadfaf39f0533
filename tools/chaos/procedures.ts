/**
 * The chaos run's procedures, as data: who raises, each step a person or the other agency takes,
 * what shows that a step happened, and what must exist exactly once at the end. Add a procedure
 * here when it gains a transport to the other agency; the driver (chaos.ts) has no procedure in it.
 *
 * Only ANE fully reaches the other agency today (README, "What works today"), so ANE is the one
 * procedure here. Steps:
 * - `click`: the person presses the button with `verb` on their latest card for the dispute (with
 *   `inputs` filled in), again if need be until `done` is seen;
 * - `reply`: the other agency's person replies on the email whose subject matches;
 * - `accept-meeting`: every attendee accepts the dispute's meeting on the convener's calendar;
 * - `after-meeting`: the test clock moves past the end of every dispute's meeting (one move for all).
 */

/** What can be observed outside Concord: an email in a mailbox, or a live meeting on a calendar. */
export type Evidence =
  | { readonly kind: 'email'; readonly mailbox: string; readonly subject: RegExp }
  | { readonly kind: 'meeting'; readonly convener: string };

export type ChaosStep =
  | {
      readonly kind: 'click';
      /** Directory id and Teams user id of the person. */
      readonly person: string;
      readonly teamsUserId: string;
      readonly verb: string;
      readonly inputs?: Readonly<Record<string, string>>;
      readonly done: Evidence;
    }
  | { readonly kind: 'reply'; readonly mailbox: string; readonly subject: RegExp; readonly text: string }
  | { readonly kind: 'accept-meeting'; readonly convener: string }
  | { readonly kind: 'after-meeting'; readonly convener: string };

export interface ChaosProcedure {
  readonly id: string;
  readonly raiser: { readonly teamsUserId: string };
  readonly raise: Readonly<Record<string, string>>;
  readonly steps: readonly ChaosStep[];
  /** Each must exist exactly once at the end (emails in the inbox, live meetings on the calendar). */
  readonly once: readonly Evidence[];
}

const GATESHEAD_TM = 'team.manager@gateshead.example';
const GATESHEAD_SM = 'service.manager@gateshead.example';
const ANE_CONVENER = 'head.of.service@ane.example';

export const ANE: ChaosProcedure = {
  id: 'ane',
  raiser: { teamsUserId: 'user-id-0' },
  raise: {
    counterpartOrganisationId: 'gateshead',
    category: 'incomplete-documentation',
    issue: 'The child permanence report is incomplete, which delays matching.',
    informalAttempts: 'Raised with the allocated social worker on 4 January 2027; no date given.',
    resolutionSought: 'A completed report within ten working days.',
  },
  steps: [
    {
      kind: 'click',
      person: 'ane-team-manager',
      teamsUserId: 'user-id-1',
      verb: 'escalate',
      done: { kind: 'email', mailbox: GATESHEAD_TM, subject: /^(?!RE:).*Stage 1/i },
    },
    {
      kind: 'reply',
      mailbox: GATESHEAD_TM,
      subject: /^(?!RE:).*Stage 1/i,
      text: 'Actions: the report will be completed by 22 January 2027 (owner: Team Manager, Gateshead).',
    },
    {
      kind: 'click',
      person: 'ane-team-manager',
      teamsUserId: 'user-id-1',
      verb: 'ack-not-agreed',
      inputs: { note: 'The date does not meet the matching panel.' },
      done: { kind: 'email', mailbox: GATESHEAD_TM, subject: /^RE:.*Stage 1/i },
    },
    {
      kind: 'click',
      person: 'ane-service-manager',
      teamsUserId: 'user-id-2',
      verb: 'escalate',
      done: { kind: 'email', mailbox: GATESHEAD_SM, subject: /^(?!RE:).*Stage 2/i },
    },
    {
      kind: 'reply',
      mailbox: GATESHEAD_SM,
      subject: /^(?!RE:).*Stage 2/i,
      text: 'Actions: the report will be completed by 25 January 2027 (owner: Service Manager, Gateshead).',
    },
    {
      kind: 'click',
      person: 'ane-service-manager',
      teamsUserId: 'user-id-2',
      verb: 'ack-not-agreed',
      inputs: { note: 'Still too late for the panel.' },
      done: { kind: 'email', mailbox: GATESHEAD_SM, subject: /^RE:.*Stage 2/i },
    },
    {
      kind: 'click',
      person: 'ane-assistant-director',
      teamsUserId: 'user-id-3',
      verb: 'escalate',
      done: { kind: 'meeting', convener: ANE_CONVENER },
    },
    { kind: 'accept-meeting', convener: ANE_CONVENER },
    { kind: 'after-meeting', convener: ANE_CONVENER },
    {
      kind: 'click',
      person: 'ane-assistant-director',
      teamsUserId: 'user-id-3',
      verb: 'record-outcome',
      inputs: {
        resolved: 'resolved',
        summary: 'Resolved: the report will be completed by 29 January 2027.',
        minutes: 'Stage 3 meeting held; the report date was agreed.',
        description: 'Complete the child permanence report',
        owner: 'Team Manager, Gateshead',
        due: '2027-02-26',
      },
      done: { kind: 'email', mailbox: GATESHEAD_TM, subject: /written confirmation/i },
    },
  ],
  once: [
    { kind: 'email', mailbox: GATESHEAD_TM, subject: /^(?!RE:).*Stage 1/i },
    { kind: 'email', mailbox: GATESHEAD_TM, subject: /^RE:.*Stage 1/i },
    { kind: 'email', mailbox: GATESHEAD_SM, subject: /^(?!RE:).*Stage 2/i },
    { kind: 'email', mailbox: GATESHEAD_SM, subject: /^RE:.*Stage 2/i },
    { kind: 'meeting', convener: ANE_CONVENER },
    { kind: 'email', mailbox: GATESHEAD_TM, subject: /written confirmation/i },
  ],
};

/** Every procedure the chaos run drives, by id. */
export const CHAOS_PROCEDURES: Readonly<Record<string, ChaosProcedure>> = { ane: ANE };
