/**
 * What the case record says, as data: each line of the record names what happened (`kind`) and its
 * facts (`params`); a stage's outcome, or the reason a stage ended, is either what a person typed or
 * one of the few things Concord says itself. The words are written where they are read:
 * `src/cards/wording/records.ts` (cards, the export) and `src/email/wording.ts` (emails).
 */
import type { Instant } from './primitives.ts';

/**
 * An outcome or a reason: the words a person typed, or (where nobody typed any) what happened.
 * States stored before these intents hold only strings; a string is always shown as it is.
 */
export type OutcomeText =
  | string
  /** The reply at a stage was agreed (no note given). */
  | { readonly kind: 'reply-agreed'; readonly stageName: string }
  /** A stage's outcome where the reply was not agreed (no note given). */
  | { readonly kind: 'not-agreed' }
  /** A stage's outcome where no reply came by the deadline (no note given). */
  | { readonly kind: 'no-response' }
  /** Why the stage ended: its reply was not agreed. */
  | { readonly kind: 'stage-reply-not-agreed'; readonly stageName: string }
  /** Why the stage ended: no reply by its deadline. */
  | { readonly kind: 'stage-no-response'; readonly stageName: string; readonly dueDate: string | null }
  /** Why the dispute ended: the decider ended it after the final stage, without a referral (no reason given). */
  | { readonly kind: 'ended-after-final-stage'; readonly by: string }
  /** A returned outcome, with the owner's note beside it. */
  | { readonly kind: 'with-note'; readonly summary: OutcomeText; readonly note: string };

/** A party the directory could not find: its role's label and its side. */
export interface MissingParty {
  readonly role: string;
  readonly side: string;
}

/** The closed set of things a case-record line can say, each with its facts. */
export type RecordLine =
  | {
      readonly kind: 'dispute-raised';
      readonly params: { readonly procedureName: string; readonly version: string };
    }
  | { readonly kind: 'not-resolved-informally'; readonly params: { readonly stageName: string } }
  | {
      readonly kind: 'stage-started';
      readonly params: {
        readonly stageName: string;
        readonly parties: string;
        readonly dueDate: string | null;
      };
    }
  | { readonly kind: 'inform-unresolved'; readonly params: { readonly role: string; readonly quote: string } }
  | { readonly kind: 'informed'; readonly params: { readonly name: string; readonly quote: string } }
  /** A party could not be found, so the procedure's consultee was asked (Solihull: the Business Team). */
  | {
      readonly kind: 'consulted';
      readonly params: { readonly name: string; readonly about: string; readonly quote: string };
    }
  | { readonly kind: 'stage-email-sent'; readonly params: { readonly stageName: string } }
  | { readonly kind: 'reply-received'; readonly params: { readonly stageName: string } }
  | { readonly kind: 'chased'; readonly params: Record<string, never> }
  | {
      readonly kind: 'decided-escalate';
      readonly params: { readonly by: string; readonly stageName: string };
    }
  | {
      readonly kind: 'referral-prepared';
      readonly params: { readonly routeName: string; readonly means: string; readonly to: string };
    }
  | {
      readonly kind: 'referral-sent';
      readonly params: { readonly routeName: string; readonly means: string; readonly by: string };
    }
  | {
      readonly kind: 'meeting-required';
      readonly params: { readonly stageName: string; readonly quote: string };
    }
  | {
      readonly kind: 'handed-to-sender';
      readonly params: { readonly by: string; readonly to: string; readonly stageName: string };
    }
  /** The next stage waits on someone's advice, not the owner's (IRO: the Director on the Chief Executive). */
  | {
      readonly kind: 'advice-asked';
      readonly params: { readonly adviser: string; readonly stageName: string; readonly quote: string };
    }
  | {
      readonly kind: 'advised-against';
      readonly params: { readonly by: string; readonly stageName: string; readonly owner: string };
    }
  | { readonly kind: 'decided-informal'; readonly params: { readonly by: string; readonly quote: string } }
  | { readonly kind: 'decision-accepted'; readonly params: { readonly by: string } }
  | { readonly kind: 'informal-contact'; readonly params: Record<string, never> }
  | {
      readonly kind: 'bypassed';
      readonly params: { readonly stageName: string; readonly skipped: readonly string[] };
    }
  | { readonly kind: 'parties-not-found'; readonly params: { readonly parties: readonly MissingParty[] } }
  | {
      readonly kind: 'meeting-booked';
      readonly params: { readonly start: Instant; readonly endsAfterDeadline: boolean };
    }
  | { readonly kind: 'meeting-unbookable'; readonly params: { readonly reason: string } }
  | {
      readonly kind: 'meeting-response';
      readonly params: { readonly name: string; readonly response: string };
    }
  | { readonly kind: 'meeting-moved'; readonly params: { readonly start: Instant } }
  | { readonly kind: 'meeting-held'; readonly params: { readonly stageName: string } }
  | { readonly kind: 'returned-to-owner'; readonly params: { readonly by: string; readonly owner: string } }
  | { readonly kind: 'referred'; readonly params: { readonly routeName: string } }
  | { readonly kind: 'referral-outcome'; readonly params: { readonly routeId: string | null } }
  | { readonly kind: 'stage-unresolved'; readonly params: { readonly stageName: string } }
  | { readonly kind: 'resolved'; readonly params: { readonly stageName: string } }
  | {
      readonly kind: 'stage-overdue';
      readonly params: { readonly stageName: string; readonly dueDate: string | null };
    }
  | {
      readonly kind: 'overall-limit-passed';
      readonly params: { readonly workingDays: number | null; readonly quote: string | null };
    }
  | { readonly kind: 'action-due'; readonly params: { readonly description: string; readonly owner: string } }
  | {
      readonly kind: 'consultation-answered';
      readonly params: { readonly name: string; readonly stageName: string };
    }
  | {
      readonly kind: 'after-resolution-sent';
      readonly params: { readonly name: string; readonly by: string; readonly quote: string };
    }
  | {
      readonly kind: 'note-recorded';
      readonly params: { readonly label: string; readonly by: string; readonly quote: string };
    }
  | {
      readonly kind: 'action-done';
      readonly params: {
        readonly description: string;
        readonly owner: string;
        readonly doneOn: string;
        readonly by: string;
      };
    }
  | {
      readonly kind: 'learning-followed-up';
      readonly params: { readonly itemId: string; readonly outcome: string; readonly by: string };
    }
  | { readonly kind: 'withdrawn'; readonly params: Record<string, never> }
  | { readonly kind: 'record-closed'; readonly params: Record<string, never> };

export type RecordLineKind = RecordLine['kind'];

/** Where a record line sits: the stage, the contact, who took part, when, and the outcome noted. */
export interface RecordFrame {
  readonly stageId: string;
  readonly stageName: string;
  readonly contactType: 'email' | 'meeting' | 'discussion' | 'reassignment' | 'written' | 'card' | 'system';
  readonly between: readonly string[];
  readonly outcome?: OutcomeText;
  readonly at: Instant;
}

/** A line written before record lines were data: its sentence as stored. */
export interface LegacyRecordLine {
  readonly kind?: undefined;
  readonly params?: undefined;
  readonly summary: string;
}

/** A line of the case record as `decide` writes it: what goes on the child's or adult's file. */
export type RecordEntry = RecordFrame & ((RecordLine & { readonly summary?: undefined }) | LegacyRecordLine);

/** An earlier outcome, for a referral: `part` tells apart a stage's outcome before its meeting and at it. */
export interface StageSoFar {
  readonly stageId?: string;
  /** The stage's name as the procedure gives it (older intents carry only the id). */
  readonly stageName?: string;
  readonly summary: OutcomeText;
  readonly part?: 'before-meeting' | 'meeting';
}
