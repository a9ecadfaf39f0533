/**
 * What a card is for, as data: the domain says which step it asks of whom and with which facts;
 * the cards word it (`src/cards/wording/cards.ts`, `cardViewOf`) and pick its template by `kind`.
 * Strings here are the procedure's own words (names, quotes) or what people typed, never Concord's;
 * where Concord says what happened, it is an `OutcomeText` intent (record-intents.ts).
 */
import type { Instant } from './primitives.ts';
import type { OutcomeText, StageSoFar } from './record-intents.ts';

/** A button a decision card offers. */
export type DecisionOption =
  /** Enter the next stage ("Raise Stage 2"; "Escalate to …" where the owner decides). */
  | { readonly verb: 'escalate'; readonly stageName: string | null; readonly asEscalation?: boolean }
  | { readonly verb: 'informal' }
  /**
   * Accept and end; `ending` after the final stage ("End without further referral"); `advice` where
   * the decider only advises (IRO: the Director), and the record returns to its owner instead.
   */
  | { readonly verb: 'accept'; readonly ending?: boolean; readonly advice?: boolean }
  | { readonly verb: 'refer'; readonly routeId: string; readonly routeName: string }
  /** Authorise a returned response as resolved (IRO). */
  | { readonly verb: 'resolve' };

/** What the raiser is told when the dispute moves on. */
export type FeedbackUpdate =
  | { readonly kind: 'with-decider'; readonly decider: string; readonly stageName: string }
  | { readonly kind: 'stage-started'; readonly stageName: string; readonly actor: string }
  | { readonly kind: 'stage-unresolved'; readonly stageName: string }
  | { readonly kind: 'resolved'; readonly stageName: string };

/** A referral to be sent by other means: the facts the referral email would carry. */
export interface ReferralDocument {
  readonly procedureName: string;
  readonly caseReference: string;
  readonly quote: string;
  readonly condition: string | null;
  readonly reason: string;
  readonly category: string;
  readonly issue: string;
  readonly resolutionSought: string;
  readonly outcomes: readonly (StageSoFar & { readonly stageName: string })[];
}

/** One recipient of a stage's email as the review card names them. */
export interface ReviewRecipient {
  readonly name: string | null;
  readonly role: string;
  readonly organisation?: string | null;
}

export type CardIntent =
  | {
      readonly kind: 'ask-decision';
      /** Why the decision is asked: the raise found it unresolved, an informal contact did not resolve it, or a stage ended. */
      readonly after: 'raise' | 'informal' | 'stage' | 'handover' | 'advice';
      /** Whom the record returns to when the adviser advises against the next stage (`after: 'advice'`). */
      readonly returnsTo?: string;
      /** Who decided to go to the next stage, when the card hands its correspondence to its sender. */
      readonly decidedBy?: string;
      readonly nextStageId: string;
      readonly nextStageName: string;
      readonly options: readonly DecisionOption[];
      /** What happened (the informal summary, or why the stage ended), where there is one. */
      readonly reason?: OutcomeText;
      /** The procedure's words on entering the next stage. */
      readonly quote?: string;
      /**
       * Who the next stage's email would go to, resolved from the directory (the review card's "To").
       * `name` is null where the directory holds nobody in that role there (then `organisation` says
       * where, by name, or null for an independent body), so the card can say so and what to do.
       */
      readonly recipients?: readonly ReviewRecipient[];
    }
  | {
      readonly kind: 'ask-final-referral';
      readonly stageName: string;
      readonly reason: OutcomeText;
      readonly routes: readonly { readonly id: string; readonly name: string; readonly quote: string }[];
      readonly options: readonly DecisionOption[];
    }
  | {
      readonly kind: 'ask-owner-decision';
      readonly summary: string;
      /** The next stage's adviser advised against it (IRO: the Director on the Chief Executive). */
      readonly advisedAgainst?: { readonly by: string; readonly stageName: string };
      readonly options: readonly DecisionOption[];
    }
  | {
      readonly kind: 'informal-contact';
      readonly counterpart: { readonly name: string; readonly email: string } | null;
      readonly quote: string;
    }
  | {
      readonly kind: 'record-outcome';
      /** After the stage's meeting, at a stage without one, or after an exceptional referral. */
      readonly after: 'meeting' | 'step' | 'referral';
      /** The stage's name, or the route's for a referral. */
      readonly name: string;
      readonly quote: string;
      readonly with: readonly string[];
      readonly mustNotRecord: readonly string[];
      readonly mustInclude: readonly string[];
      readonly canRequestMeeting: boolean;
      /** The replies that came back on the stage's email thread (a discussion with another tenant). */
      readonly replies?: readonly { readonly from: string; readonly text: string; readonly at: Instant }[];
      /** The record is reassigned to the card's recipient, and returns to this person afterwards (IRO). */
      readonly reassigned?: { readonly quote: string; readonly returnsTo: string | null };
      /** The person in another tenant whose step this records (an external convener or chair). */
      readonly onBehalfOf?: string;
      /** The people in another tenant the discussion is held with by email (the thread is tracked). */
      readonly byEmail?: readonly string[];
      /** Parties nobody was found for, and whom Concord consulted instead, as the procedure says. */
      readonly consulted?: readonly { readonly about: string; readonly name: string }[];
    }
  /** The procedure's consultee in the host tenant, asked who a party the directory cannot find is. */
  | {
      readonly kind: 'consulted';
      readonly stageName: string;
      readonly quote: string;
      /** How the procedure names the party nobody was found for ("their opposite number in the other agency"). */
      readonly about: string;
      readonly actor: string;
    }
  /** A notice to someone in the host tenant whom a stage involves, without a step of their own. */
  | {
      readonly kind: 'stage-involves-you';
      readonly stageName: string;
      readonly quote: string;
      readonly actor: string;
      readonly dueDate: string | null;
    }
  | {
      readonly kind: 'review-reply';
      readonly text: string;
      readonly from: string;
      readonly acknowledgementQuote: string | null;
    }
  /**
   * A referral the procedure says must go by a particular means Concord cannot use (IRO: "sent
   * securely via the Egress email system"): the document to send, and a button to record it went.
   */
  | {
      readonly kind: 'send-referral-securely';
      readonly routeName: string;
      readonly means: string;
      readonly to: { readonly name: string; readonly email: string };
      readonly document: ReferralDocument;
    }
  /** `discussion`: chased on a discussion's email thread, whose outcome is recorded on the step card. */
  | { readonly kind: 'chased'; readonly on: string; readonly discussion?: true }
  /**
   * No reply by the deadline. `discussion`: the stage is a discussion (or reassignment) held by email
   * with people in another tenant, who have not answered; its outcome is still recorded on the step card.
   */
  | {
      readonly kind: 'no-response';
      readonly dueDate: string | null;
      readonly discussion?: { readonly stageName: string; readonly with: readonly string[] };
    }
  | {
      readonly kind: 'meeting';
      readonly stageName: string;
      readonly start: Instant | null;
      readonly joinUrl: string | null;
      /** A Teams meeting was asked for and the invitation went without a join link. */
      readonly onlineLinkMissing: boolean;
      readonly attendees: readonly { readonly name: string; readonly response: string }[];
    }
  | { readonly kind: 'meeting-unbookable'; readonly reason: string }
  | { readonly kind: 'meeting-rebooking'; readonly declinedBy: string }
  | {
      readonly kind: 'stage-warning';
      readonly stageName: string;
      readonly percent: 50 | 75;
      readonly dueDate: string | null;
    }
  | { readonly kind: 'reply-waiting'; readonly stageName: string }
  | {
      readonly kind: 'stage-overdue';
      readonly stageName: string;
      readonly dueDate: string | null;
      /** Whose step it is, when the card goes to the owner instead. */
      readonly with: string | null;
    }
  | {
      readonly kind: 'overall-timescale';
      /** How firm the procedure's limit is: a maximum, the usual time, or the expected time. */
      readonly strength?: 'maximum' | 'usual' | 'expected';
      /** 100 when the limit has passed. */
      readonly percent: 50 | 75 | 100;
      readonly workingDays: number | null;
      readonly quote: string | null;
    }
  | {
      readonly kind: 'action-due';
      readonly description: string;
      readonly owner: string;
      readonly dueDate: string;
    }
  | { readonly kind: 'feedback'; readonly update: FeedbackUpdate; readonly quote: string }
  | { readonly kind: 'decision-accepted'; readonly by: string }
  | { readonly kind: 'ended-unresolved'; readonly reason: OutcomeText }
  | {
      readonly kind: 'after-resolution';
      readonly quote: string;
      /** What the step is (a debrief, a learning referral, a plan review, a gap in policy). */
      readonly step?: 'debrief' | 'learning-referral' | 'plan-review' | 'policy-gap';
      /** The London day by which the procedure says it happens, where it gives a time. */
      readonly dueDate?: string | null;
      /** A reminder ahead of that day, rather than the first notice. */
      readonly reminder?: boolean;
      /**
       * The person it goes to is in another tenant (Dudley: the Chair of the DSCB): the card's holder
       * writes what it is, and Concord emails it to them (the procedure's `afterResolution` item id).
       */
      readonly sendTo?: { readonly itemId: string; readonly name: string; readonly email: string };
    }
  | { readonly kind: 'resolved'; readonly summary: OutcomeText }
  /** The dispute was withdrawn by its raiser or owner: to everyone else taking part in Teams. */
  | { readonly kind: 'withdrawn'; readonly by: string; readonly reason: string }
  /** The shell's notice to the owner that an effect was parked after its retries ran out. */
  | {
      readonly kind: 'action-parked';
      readonly action: 'send-email' | 'send-card' | 'book-meeting' | 'cancel-meeting' | string;
      readonly attempts: number;
      readonly reference: string;
      /** What happened and what to do, in plain words, when the performer could say. */
      readonly why?: string;
      /** The people it was for (the email's recipients, the card's reader, the meeting's attendees). */
      readonly for?: readonly string[];
      /** Whose calendar the meeting was to be booked on, or cancelled from. */
      readonly calendarOf?: string;
    };

export type CardIntentKind = CardIntent['kind'];

/** Where a card sits: the dispute and its clocks when it was sent. */
export interface CardFrame {
  readonly disputeId: string;
  readonly caseReference: string;
  readonly procedureName: string;
  readonly stageName: string;
  readonly due: Instant | null;
  readonly dueDate: string | null;
  readonly overallDue: Instant | null;
  readonly overallWorkingDays: number | null;
}
