/**
 * The verbs: what a person can ask of a dispute from a card, and the one list shared by the core
 * (which offers them), the cards (which draw them; labels live in `src/cards/wording/`) and the
 * bot (which routes them). Domain verbs become dispute events (`VERB_MEANING`); UI verbs only move
 * the conversation. `refer:<routeId>` carries an exceptional route.
 *
 * @example
 * parseVerb('refer:board-chair') // { kind: 'refer', verb: 'refer', routeId: 'board-chair' }
 * VERB_MEANING[VERBS.agreed]     // { event: 'acknowledged', agreed: true }
 */
import type { DisputeEventType } from './types.ts';

export const VERBS = {
  escalate: 'escalate',
  informal: 'informal',
  accept: 'accept',
  refer: 'refer',
  agreed: 'ack-agreed',
  notAgreed: 'ack-not-agreed',
  chase: 'chase',
  outcome: 'record-outcome',
  informalOutcome: 'informal-outcome',
  moveMeeting: 'move-meeting',
  requestMeeting: 'request-meeting',
  resolve: 'resolve',
  close: 'close',
  withdraw: 'withdraw',
  referralSent: 'referral-sent',
  /** Bypasses to a later stage, where the procedure allows it (the card carries `toStageId` and `reason`). */
  bypass: 'bypass',
  /** A host-tenant consultee's answer (who the party is), from their card. */
  answerConsultation: 'answer-consultation',
  /** Sends an after-resolution item to the person in another tenant it goes to (the card carries `itemId`). */
  sendAfterResolution: 'send-after-resolution',
  /** Records one of the procedure's `anytimeNotes` (the card carries `noteId`). */
  recordNote: 'record-note',
} as const;

/** Verbs that only drive the conversation and the cards; they never reach `decide()` as such. */
export const UI_VERBS = {
  raise: 'raise',
  saveDraft: 'save-draft',
  submitRaise: 'submit-raise',
  /** Discards the person's raise draft. */
  cancelRaise: 'cancel-raise',
  /** "Before you start": the procedure chosen, its out-of-scope matters confirmed, who it is about. */
  raiseContinue: 'raise-continue',
  /** From the raise form, back to "Before you start" to choose another procedure. */
  changeProcedure: 'raise-change-procedure',
  immediateRiskYes: 'immediate-risk-yes',
  immediateRiskNo: 'immediate-risk-no',
  myDisputes: 'my-disputes',
  openDispute: 'open-dispute',
  help: 'help',
  refresh: 'refresh',
} as const;

/** Every verb a card can carry. */
export const CARD_VERBS = { ...VERBS, ...UI_VERBS } as const;

export type DomainVerb = (typeof VERBS)[keyof typeof VERBS];
export type UiVerb = (typeof UI_VERBS)[keyof typeof UI_VERBS];
/** `refer:<routeId>`: take the procedure's exceptional route `routeId`. */
export type ReferVerb = `${typeof VERBS.refer}:${string}`;
export type CardVerb = DomainVerb | UiVerb | ReferVerb;

export interface VerbMeaning {
  readonly event: DisputeEventType;
  /** For `decision`: the choice the verb makes. */
  readonly choice?: 'escalate' | 'informal' | 'accept';
  /** For `acknowledged`: whether the reply is agreed. */
  readonly agreed?: boolean;
}

/** What each domain verb asks for: the event it becomes, and the fixed part of that event. */
export const VERB_MEANING = {
  [VERBS.escalate]: { event: 'decision', choice: 'escalate' },
  [VERBS.informal]: { event: 'decision', choice: 'informal' },
  [VERBS.accept]: { event: 'decision', choice: 'accept' },
  [VERBS.refer]: { event: 'exceptional-referral' },
  [VERBS.agreed]: { event: 'acknowledged', agreed: true },
  [VERBS.notAgreed]: { event: 'acknowledged', agreed: false },
  [VERBS.chase]: { event: 'chase' },
  [VERBS.outcome]: { event: 'outcome-recorded' },
  [VERBS.informalOutcome]: { event: 'informal-outcome' },
  [VERBS.moveMeeting]: { event: 'meeting-move' },
  [VERBS.requestMeeting]: { event: 'meeting-requested' },
  [VERBS.resolve]: { event: 'resolved' },
  [VERBS.close]: { event: 'closed' },
  [VERBS.referralSent]: { event: 'referral-sent' },
  [VERBS.withdraw]: { event: 'withdrawn' },
  [VERBS.recordNote]: { event: 'note-recorded' },
  [VERBS.sendAfterResolution]: { event: 'after-resolution-sent' },
  [VERBS.answerConsultation]: { event: 'consultation-answered' },
  [VERBS.bypass]: { event: 'bypass' },
} as const satisfies Record<DomainVerb, VerbMeaning>;

/** The verb for taking exceptional route `routeId`. */
export function referVerb(routeId: string): ReferVerb {
  return `${VERBS.refer}:${routeId}`;
}

export type ParsedVerb =
  | { readonly kind: 'domain'; readonly verb: DomainVerb }
  | { readonly kind: 'ui'; readonly verb: UiVerb }
  | { readonly kind: 'refer'; readonly verb: typeof VERBS.refer; readonly routeId: string }
  | { readonly kind: 'unknown'; readonly verb: string };

const DOMAIN = new Set<string>(Object.values(VERBS));
const KNOWN = new Set<string>(Object.values(CARD_VERBS));

/** Classifies a verb received from a card. */
export function parseVerb(verb: string): ParsedVerb {
  const refer = /^refer:([a-z0-9][a-z0-9-]*)$/.exec(verb);
  if (refer?.[1]) return { kind: 'refer', verb: VERBS.refer, routeId: refer[1] };
  if (DOMAIN.has(verb) && verb !== VERBS.refer) return { kind: 'domain', verb: verb as DomainVerb };
  if (KNOWN.has(verb) && !DOMAIN.has(verb)) return { kind: 'ui', verb: verb as UiVerb };
  return { kind: 'unknown', verb };
}

/** Whether a string is a verb some card can send. */
export function isCardVerb(verb: string): verb is CardVerb {
  return parseVerb(verb).kind !== 'unknown';
}
