/**
 * What an email says, as data: the domain names the message and its facts (the procedure's own
 * words, what people typed); `src/email/wording.ts` (`emailViewOf`) writes the subject, the
 * paragraphs and the field labels.
 */
import type { Instant } from './primitives.ts';

/** Who a dispute is about (the same as `CaseSubject` in types.ts, kept here without importing it). */
type CaseSubject = 'child' | 'adult';

import type { OutcomeText, StageSoFar } from './record-intents.ts';

/** The dispute's details as an email lists them. */
export interface EmailDetails {
  readonly category: string;
  readonly issue: string;
  readonly informalAttempts: string;
  readonly resolutionSought: string;
}

/** What the written confirmation confirms. */
export type Confirmation =
  | { readonly kind: 'resolved'; readonly summary: OutcomeText }
  | { readonly kind: 'unresolved'; readonly stageName: string; readonly reason: OutcomeText }
  | { readonly kind: 'accepted'; readonly by: string; readonly reason: string | null };

export type EmailIntent =
  /** A stage's statement: what the procedure asks of the recipient (its `request`, else the stage quote). */
  | {
      readonly kind: 'stage-statement';
      readonly request: string | null;
      readonly stageQuote: string;
      readonly details: EmailDetails;
    }
  | { readonly kind: 'letter'; readonly stageQuote: string; readonly details: EmailDetails }
  /**
   * A discussion (or a reassignment) with people in another tenant, held as a tracked email thread:
   * the stage's words, what the procedure asks of the recipient, and where the dispute stands.
   */
  | {
      readonly kind: 'discussion';
      readonly stageQuote: string;
      /** What the procedure asks of the recipient, in its words (e.g. the outcome in writing). */
      readonly asked: readonly string[];
      readonly details: EmailDetails;
      /** Each earlier stage's outcome, so the recipient knows what has happened so far. */
      readonly history: readonly { readonly stageName: string; readonly summary: OutcomeText }[];
    }
  /** The stage's copy to the people it names, where the stage has no email of its own. */
  | { readonly kind: 'copy'; readonly quotes: readonly string[]; readonly details: EmailDetails }
  /**
   * The procedure's consultee, asked who a party is when the directory cannot find them (Solihull:
   * the SSAB Business Team, on the other agency's structure): its words, whom it is about, who asks.
   */
  | {
      readonly kind: 'consultation';
      readonly quote: string;
      readonly about: string;
      readonly actor: string;
      readonly details: EmailDetails;
    }
  /**
   * After the resolution, brought to the attention of someone in another tenant as the procedure
   * asks (Dudley: gaps in policy, to the Chair): its words, and what the sender wrote.
   */
  | {
      readonly kind: 'after-resolution';
      readonly quote: string;
      readonly text: string;
      readonly details: EmailDetails;
    }
  /** For information, under a stage's `inform` rule. */
  | { readonly kind: 'inform'; readonly quote: string; readonly details: EmailDetails }
  | {
      readonly kind: 'chase';
      readonly dueDate: string | null;
      readonly note: string | null;
      /** The deadline as an instant, with its hours for an hours timescale ("within 24 hours"). */
      readonly due?: Instant | null;
      readonly hours?: number;
      /** What the procedure asks of the recipient, in its words (absent in chases queued before). */
      readonly asked?: readonly string[];
      /** The procedure's words for the stage's timescale. */
      readonly timescaleQuote?: string | null;
    }
  | { readonly kind: 'acknowledgement'; readonly agreed: boolean; readonly note: string | null }
  | {
      readonly kind: 'referral';
      readonly routeName: string;
      readonly quote: string;
      readonly condition: string | null;
      readonly reason: string;
      readonly means: string | null;
      /** The route is raised through the recipient to this person (Solihull: the Independent Chair). */
      readonly through?: { readonly to: string };
      /** What the dispute is about, so the body it goes to can consider it (absent in older intents). */
      readonly details?: EmailDetails;
      /** Each earlier stage's outcome, or none yet. */
      readonly outcomes: readonly (StageSoFar & { readonly stageId: string })[];
    }
  | {
      readonly kind: 'written-confirmation';
      readonly confirms: Confirmation;
      /** The procedure's words asking for written confirmation, where it has them. */
      readonly procedureQuote: string | null;
      /**
       * The stage's rule that the decision is relayed the day it is made (NEL Stage 4), and when it
       * was made. Absent where the stage has no such rule (and in intents stored before it was data).
       */
      readonly sameDay?: { readonly quote: string; readonly decidedAt: string };
      readonly actions: readonly {
        readonly description: string;
        readonly owner: string;
        readonly dueDate: string;
      }[];
    }
  | { readonly kind: 'withdrawn'; readonly reason: string; readonly by?: string };

/** Where an email sits: the dispute, and the response it awaits (if any). */
export interface EmailFrame {
  readonly disputeId: string;
  readonly caseReference: string;
  readonly procedureName: string;
  readonly procedureShortName: string;
  readonly stageName: string;
  /**
   * Who the dispute is about (as raised, else what the procedure covers), so the email says it in
   * the procedure's terms. Absent in emails queued before it was kept.
   */
  readonly subject?: CaseSubject | null;
  /** What the procedure covers, for wording when `subject` is not known. */
  readonly appliesTo?: 'children' | 'adults' | 'children-and-adults';
  readonly responseDue?: {
    readonly due: Instant;
    readonly dueDate: string;
    readonly workingDays: number | null;
    /** Within so many hours: the deadline is stated with its time. */
    readonly hours?: number;
  };
  readonly overallDue?: string | null;
  /**
   * The story so far, for an email that opens a later stage: each earlier stage, the other
   * agency's answer there (if any) and why it was not agreed.
   */
  readonly storySoFar?: readonly StoryStage[];
}

/** One earlier stage as a later stage's email retells it. */
export interface StoryStage {
  readonly stageName: string;
  readonly answer: { readonly from: string; readonly text: string; readonly at: Instant } | null;
  readonly outcome: OutcomeText;
  readonly resolved: boolean;
}

/** What a meeting invitation's subject names: the procedure, the case and the stage. */
export interface MeetingTitle {
  readonly procedureShortName: string;
  readonly caseReference: string;
  readonly stageName: string;
}

/**
 * What a meeting invitation tells every attendee about the case (minimised: the case reference, the
 * category's label and the issue as the emails carry it; never a child's or adult's name).
 */
export interface MeetingContext {
  readonly procedureName: string;
  /** Who the dispute is about, and what the procedure covers (absent in bookings made before). */
  readonly subject?: CaseSubject | null;
  readonly appliesTo?: 'children' | 'adults' | 'children-and-adults';
  /** What the procedure asks of the meeting, in its words. */
  readonly meetingQuote: string;
  readonly category: string;
  readonly issue: string;
  readonly resolutionSought: string;
}

/** How the procedure lets a meeting be held: online (Teams) when `online`, face to face when `inPerson`. */
export interface MeetingForm {
  readonly online: boolean;
  readonly inPerson: boolean;
  /** The procedure's words, where it has them. */
  readonly quote: string | null;
}
