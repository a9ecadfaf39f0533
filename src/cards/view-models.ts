/**
 * Typed view-models: what each card template needs, and nothing else. The renderer
 * (`renderCard`) turns one of these into an Adaptive Card 1.5 object; builders in
 * `from-domain.ts` make them from the domain's `CardView` and `DisputeState`.
 *
 * Rules every view-model follows:
 * - Time is passed in (`now`), never read; all instants are ISO-8601 UTC strings.
 * - A case reference, never a child's or adult's name.
 * - Strings are plain text as people typed them; the renderer escapes them for display.
 * - `viewer.refreshUserIds` are the Teams user ids whose cards refresh in place (the acting person).
 *
 * Words: docs/glossary.md.
 */

import type { OfferedNote } from '../domain/dispute/anytime-notes.ts';
import type { OfferedBypass } from '../domain/dispute/bypass-offer.ts';
import type {
  CardAction,
  DisputeDetails,
  DisputeStatus,
  MeetingAttendee,
  RefusalReason,
} from '../domain/dispute/types.ts';

export type Instant = string;

/** The deadlines a dispute card always shows: the stage's and the overall cap. */
export interface Deadlines {
  /** When the current stage started; with `stageDue` it sets the RAG. */
  readonly stageStartedAt: Instant | null;
  readonly stageDue: Instant | null;
  /** The London calendar day of `stageDue` ("2026-12-07"). */
  readonly stageDueDate: string | null;
  /** When the overall clock started (ANE: the first formal stage); null before. */
  readonly overallStartedAt: Instant | null;
  readonly overallDue: Instant | null;
  /** The procedure's overall cap in working days; null when the procedure has none. */
  readonly overallWorkingDays: number | null;
  /** The dispute's status; an ended or resolved dispute is never "On track". Default `open`. */
  readonly status?: DisputeStatus;
  /** The step is on hold (an action could not be completed, or an exceptional route is under way). */
  readonly paused?: boolean;
  /** A warning the card itself gives (a 75% warning card shows at least "three quarters used"). */
  readonly warned?: { readonly stage?: 50 | 75 | 100; readonly overall?: 50 | 75 | 100 };
}

/** Who a dispute card is about. */
export interface DisputeHeader {
  readonly disputeId: string;
  /** The dispute's `seq` when rendered: the card version used for stale-card detection. */
  readonly seq: number;
  readonly caseReference: string;
  readonly procedureName: string;
  readonly stageName: string;
  readonly deadlines: Deadlines;
}

export interface PersonLabel {
  readonly id: string;
  readonly name: string;
}

/** Who is looking at the card. */
export interface Viewer {
  /** Directory person id of the viewer; null when unknown (then every step card is read-only). */
  readonly personId: string | null;
  /** Teams user ids whose clients refresh the card in place (`refresh.userIds`). Empty: no refresh. */
  readonly refreshUserIds: readonly string[];
}

/** Shared by every card that is a step of a dispute. */
export interface StepContext {
  readonly dispute: DisputeHeader;
  readonly now: Instant;
  readonly viewer: Viewer;
  /** The person whose step it is; only they get buttons. */
  readonly awaiting: PersonLabel | null;
  /** The dispute has moved on since this card's step (the router found an older `seq`). */
  readonly stale: boolean;
}

/** Messages from the domain's refusals or server-side re-validation, by input id; shown in red next to the field. */
export type FieldErrors<K extends string> = Partial<Record<K, string>>;

export interface Option {
  readonly value: string;
  readonly title: string;
}

export interface WelcomeViewModel {
  /** The person's display name, whole, for the greeting; null for a neutral greeting. */
  readonly userName: string | null;
}

export interface HelpViewModel {
  readonly procedures: readonly {
    readonly shortName: string;
    readonly name: string;
    readonly overallWorkingDays: number | null;
  }[];
}

export interface ErrorViewModel {
  readonly title: string;
  /** The refusal worded (`refusalText`), shown as is (escaped). */
  readonly message: string;
  readonly reason: RefusalReason | null;
  /** When the refusal is about a dispute, the card offers to open it. */
  readonly disputeId: string | null;
}

export interface ImmediateRiskViewModel {
  readonly procedureId: string;
  readonly procedureName: string;
  readonly guidance: string;
  /** The procedure's own words, when it says it. */
  readonly quote: string | null;
  readonly contacts: readonly { readonly name: string; readonly for: string; readonly when: string }[];
  /** `ask`: the first question. `contacts`: the person said yes; show who to contact and stop. */
  readonly mode: 'ask' | 'contacts';
}

/** Input ids of the raise wizard; the router reads submitted values under these names. */
export const RAISE_FIELDS = [
  'procedureId',
  'about',
  'caseReference',
  /** The case reference the raiser confirmed is not a name (the toggle's value is the reference). */
  'caseReferenceConfirmed',
  'counterpartOrganisationId',
  'category',
  'urgency',
  'issue',
  'informalAttempts',
  'resolutionSought',
] as const;
export type RaiseField = (typeof RAISE_FIELDS)[number];
export type RaiseDraft = Readonly<Record<RaiseField, string>>;

export interface RaiseDisputeViewModel {
  /** The draft's id; becomes the dispute id when submitted. */
  readonly draftId: string;
  /** The draft's version (increments on every save), for stale-card detection. */
  readonly seq: number;
  readonly procedures: readonly Option[];
  /** The chosen procedure; categories and urgency levels are this procedure's. */
  readonly procedureId: string;
  readonly partners: readonly Option[];
  /** The procedure's categories, their labels quoted from the procedure. */
  readonly categories: readonly Option[];
  /** Only when the procedure has urgency levels (Dudley); empty hides the field. */
  readonly urgencyLevels: readonly Option[];
  /** Field labels; the procedure's `raise.required` wording where it gives one. */
  readonly labels: Readonly<Record<RaiseField, string>>;
  /** Placeholders and client-side messages of the free-text fields, in words that follow `about`. */
  readonly placeholders: Readonly<Record<'caseReference' | StatementField, string>>;
  readonly messages: Readonly<Record<StatementField, string>>;
  /** "Use a case reference, never the adult's name…". */
  readonly privacyNote: string;
  /** What the procedure asks the raiser to give that has no field of its own (its labels). */
  readonly alsoInclude: readonly string[];
  /** The procedure's guidance on raising (quoted), or null. */
  readonly guidance: string | null;
  /** The chosen procedure's name, shown as text (it is chosen on "Before you start"). */
  readonly procedureName: string;
  /** Whether "Change procedure" is offered (more than one procedure can be raised under). */
  readonly canChangeProcedure: boolean;
  /** A child or adult at risk, offered where the procedure covers both; empty hides the field. */
  readonly aboutOptions: readonly Option[];
  /** Shows "This is the case reference, not a name" (the reference reads like a name). */
  readonly confirmName: boolean;
  /** The longest answer each free-text field keeps. */
  readonly textMax: number;
  readonly draft: RaiseDraft;
  readonly errors: FieldErrors<RaiseField>;
  /** When the draft was last saved; null when never. */
  readonly savedAt: Instant | null;
  readonly viewer: Viewer;
  /** Whether the card offers Cancel (discard the draft). */
  readonly canDiscard?: boolean;
}

/**
 * "Before you start", between the immediate-risk question and the form: the procedure, what it does
 * not cover in its own words with what to use instead, and (where it covers both) whether the
 * dispute concerns a child or an adult at risk.
 */
export interface RaiseStartViewModel {
  readonly draftId: string;
  readonly seq: number;
  readonly procedures: readonly Option[];
  readonly procedureId: string;
  readonly procedureName: string;
  readonly outOfScope: readonly { readonly quote: string; readonly instead: string | null }[];
  readonly aboutOptions: readonly Option[];
  readonly about: string;
  /** Said above everything, e.g. that another procedure's matters are now shown. */
  readonly notice: string | null;
  readonly errors: FieldErrors<'procedureId' | 'about' | 'outOfScopeConfirmed'>;
}

/** A step card driven by the domain's `CardView`: decisions, notices, warnings, status. */
export interface DecisionViewModel extends StepContext {
  readonly title: string;
  readonly text: readonly string[];
  readonly facts: readonly { readonly label: string; readonly value: string }[];
  readonly actions: readonly CardAction[];
  /** A text box (`note`) the buttons send. */
  readonly input?: { readonly label: string };
}

export type StatementField = keyof DisputeDetails;
export const STATEMENT_FIELDS: readonly StatementField[] = ['issue', 'informalAttempts', 'resolutionSought'];

export interface ReviewStatementViewModel extends StepContext {
  /** The stage whose email this is, e.g. "Formal Resolution Process – Stage 1". */
  readonly stageToRaise: string;
  /** Who the email goes to, e.g. "Team Manager, Gateshead Council". */
  readonly recipients: readonly string[];
  /**
   * Those it should also go to whom the directory does not hold: the role, and where (by name;
   * null for an independent body). The card says nobody is found there and what to do.
   */
  readonly missingRecipients?: readonly { readonly role: string; readonly organisation: string | null }[];
  /** Who decided on the stage, when they handed its email to the viewer to send in their own name. */
  readonly decidedBy?: string;
  readonly responseWorkingDays: number | null;
  /**
   * How the email is flagged, and the procedure's words behind it (ANE: "The email should be marked
   * 'High Importance'"). Absent: High, the default for correspondence with another agency.
   */
  readonly importance?: { readonly level: 'high' | 'normal'; readonly quote: string | null };
  /** Pre-filled from the dispute; editable. */
  readonly statement: DisputeDetails;
  readonly labels: Readonly<Record<StatementField, string>>;
  /** Which alternatives the procedure offers at this decision. */
  readonly options: { readonly informal: boolean; readonly accept: boolean };
  readonly errors: FieldErrors<StatementField>;
}

export interface ReviewReplyViewModel extends StepContext {
  readonly reply: { readonly from: string; readonly at: Instant; readonly text: string };
  /** What the procedure says the response must contain, e.g. SMART actions. */
  readonly responseMustInclude: readonly string[];
  readonly errors: FieldErrors<'note'>;
}

export interface MeetingViewModel extends StepContext {
  readonly meeting: {
    readonly subject: string;
    readonly start: Instant;
    readonly end: Instant;
    readonly joinUrl: string | null;
    readonly convener: string;
    readonly attendees: readonly {
      readonly name: string;
      readonly required: boolean;
      readonly external: boolean;
      readonly response: MeetingAttendee['response'];
    }[];
  };
  /** Other slots the convener may move the meeting to. */
  readonly otherSlots: readonly { readonly start: Instant; readonly end: Instant }[];
  readonly errors: FieldErrors<'start'>;
}

export const OUTCOME_ACTION_ROWS = 3;
export type OutcomeField =
  | 'minutes'
  | 'resolved'
  | 'summary'
  | `action${number}${'Description' | 'Owner' | 'Due'}`;

export interface OutcomeViewModel extends StepContext {
  /** Ask for minutes (meeting stages whose procedure keeps minutes). */
  readonly askMinutes: boolean;
  readonly draft: {
    readonly minutes: string;
    readonly resolved: 'resolved' | 'not-resolved' | '';
    readonly summary: string;
    /** Up to `OUTCOME_ACTION_ROWS` agreed SMART actions; `dueDate` is "YYYY-MM-DD". */
    readonly actions: readonly {
      readonly description: string;
      readonly owner: string;
      readonly dueDate: string;
    }[];
  };
  /** What the stage must record (the procedure's required content). */
  readonly mustInclude: readonly string[];
  /**
   * The stage lets its actor book a meeting instead of recording the outcome now (a meeting the
   * procedure allows, `if-needed`, or requires when guidance alone does not resolve it).
   */
  readonly canRequestMeeting?: boolean;
  /** The card's title and what it says before the inputs (the step's words, replies received). */
  readonly title?: string;
  readonly notes?: readonly string[];
  readonly errors: FieldErrors<OutcomeField>;
}

export interface DisputeSummary {
  readonly disputeId: string;
  readonly caseReference: string;
  readonly procedureShortName: string;
  readonly stageName: string;
  readonly status: DisputeStatus;
  readonly deadlines: Deadlines;
  /** The person whose step it is, if any. */
  readonly awaiting: string | null;
}

export interface MyDisputesViewModel {
  readonly now: Instant;
  readonly viewer: Viewer;
  readonly disputes: readonly DisputeSummary[];
}

export interface TimelineEntry {
  readonly at: Instant;
  readonly stageName: string;
  readonly summary: string;
  readonly outcome: string | null;
  readonly between: readonly string[];
}

export interface DisputeDetailViewModel {
  readonly dispute: DisputeHeader;
  readonly now: Instant;
  readonly viewer: Viewer;
  readonly status: DisputeStatus;
  readonly category: string;
  readonly partnerOrganisation: string;
  /** Who the dispute is about, in the procedure's terms ("An adult at risk"). */
  readonly about?: string;
  readonly raisedBy: string;
  readonly raisedAt: Instant;
  readonly awaiting: string | null;
  readonly timeline: readonly TimelineEntry[];
  /**
   * What the viewer may record at any point (the procedure's `anytimeNotes` for their role), with the
   * procedure's words allowing it and what the record must not hold. Absent or empty: none.
   */
  readonly notes?: readonly OfferedNote[];
  /** The stages the viewer may bypass to, where the procedure allows it and they are its party. */
  readonly bypass?: OfferedBypass | null;
}

/** Template name → view-model. `renderCard` is typed by this map. */
export interface CardViewModels {
  welcome: WelcomeViewModel;
  help: HelpViewModel;
  error: ErrorViewModel;
  'immediate-risk': ImmediateRiskViewModel;
  'raise-dispute': RaiseDisputeViewModel;
  'raise-start': RaiseStartViewModel;
  decision: DecisionViewModel;
  'review-statement': ReviewStatementViewModel;
  'review-reply': ReviewReplyViewModel;
  meeting: MeetingViewModel;
  outcome: OutcomeViewModel;
  'my-disputes': MyDisputesViewModel;
  'dispute-detail': DisputeDetailViewModel;
}

export type TemplateName = keyof CardViewModels;

export const TEMPLATE_NAMES: readonly TemplateName[] = [
  'welcome',
  'help',
  'error',
  'immediate-risk',
  'raise-dispute',
  'raise-start',
  'decision',
  'review-statement',
  'review-reply',
  'meeting',
  'outcome',
  'my-disputes',
  'dispute-detail',
];
