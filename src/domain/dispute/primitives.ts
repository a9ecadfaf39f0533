/**
 * The smallest dispute values, shared by the state (types.ts) and the effects and intents it asks
 * for (effects.ts, card-intents.ts, email-intents.ts). Words: docs/glossary.md.
 */
/** An instant as an ISO-8601 UTC string. Stored state never holds Date objects. */
export type Instant = string;

/** A person resolved from the directory. Case content never goes here. */
export interface PersonRef {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly organisationId: string;
}

export interface ThreadMessage {
  /**
   * `consultation`: the procedure's consultee asked by email who a party is (Solihull: the SSAB
   * Business Team); `consultation-reply`: their answer, by email or from their Teams card.
   */
  readonly kind:
    | 'statement'
    | 'reply'
    | 'acknowledgement'
    | 'chase'
    | 'letter'
    | 'referral'
    | 'consultation'
    | 'consultation-reply';
  readonly internetMessageId: string;
  readonly conversationId?: string;
  readonly at: Instant;
  /** The new text of a reply, quoted history removed. Only replies carry text. */
  readonly text?: string;
  /** Who sent it: a reply's address (a consultee's answer: their name, as older states hold it). */
  readonly from?: string;
  /** A reply's sender as people read it, where the directory knows them: name and organisation. */
  readonly fromName?: string;
}

export type TimerKind =
  | 'stage-deadline'
  | 'stage-warning-50'
  | 'stage-warning-75'
  | 'overall-deadline'
  | 'overall-warning-50'
  | 'overall-warning-75'
  | 'meeting-end'
  | 'action-due'
  /** A step after the resolution the procedure gives a time for (IRO: a LAC Review within 4 weeks). */
  | 'after-resolution-due';
