/**
 * The dispute's state, the events that move it, and the effects it asks for. All plain data:
 * `decide()` returns effects and never performs them; the runtime does, through the outbox.
 *
 * Glossary
 * - **dispute**: one professional disagreement about one case, run under one procedure version.
 * - **stage / phase**: the rung of the ladder, and where the dispute is inside that rung.
 * - **timescale / due**: how long a stage may take, and the absolute instant it is due.
 * - **counterpart**: the person on the partner organisation's side, usually in another tenant.
 * - **convener**: the person whose calendar holds a stage's meeting.
 * - **effect key**: a stable idempotency key; performing an effect twice with one key does it once.
 */
import type { Party } from '../procedure/schema.ts';
import type { Instant, PersonRef, ThreadMessage, TimerKind } from './primitives.ts';
import type { OutcomeText } from './record-intents.ts';

export type { Instant, PersonRef, ThreadMessage, TimerKind } from './primitives.ts';

export interface DisputeDetails {
  /** What is in dispute and its impact on the care plan. */
  readonly issue: string;
  readonly informalAttempts: string;
  readonly resolutionSought: string;
}

/** Who a dispute is about: a child, or an adult at risk (NEL's procedure covers both). */
export type CaseSubject = 'child' | 'adult';

export type DisputeStatus = 'open' | 'resolved' | 'accepted' | 'withdrawn' | 'unresolved' | 'closed';

export type Phase =
  /** A decision card is out to `awaiting` (enter the next stage, raise informally, accept, refer). */
  | 'awaiting-decision'
  /** The informal contact the decider chose is under way; they record its outcome. */
  | 'informal-contact'
  /** The stage's email is in the outbox. */
  | 'sending'
  | 'awaiting-response'
  /** A reply arrived; the actor says whether it is agreed. */
  | 'awaiting-acknowledgement'
  /** A meeting is being booked (or re-booked). */
  | 'booking'
  | 'meeting-booked'
  /** The actor (or the reassigned person, or the convener after the meeting) records the outcome. */
  | 'awaiting-outcome'
  /** The outcome returns to the record owner to resolve or escalate (IRO). */
  | 'awaiting-owner'
  | 'exceptional'
  | 'ended';

export interface MeetingAttendee {
  readonly person: PersonRef;
  readonly required: boolean;
  /** Outside the host tenant: free/busy unknown. */
  readonly external: boolean;
  readonly response: 'none' | 'organizer' | 'tentativelyAccepted' | 'accepted' | 'declined' | 'notResponded';
}

export interface MeetingState {
  readonly status: 'booking' | 'booked' | 'held';
  readonly convener: PersonRef;
  readonly attempts: number;
  readonly eventId?: string;
  readonly start?: Instant;
  readonly end?: Instant;
  readonly joinUrl?: string;
  /** A Teams meeting was asked for and the calendar made none (no join link): the convener adds one. */
  readonly onlineLinkMissing?: boolean;
  readonly attendees: readonly MeetingAttendee[];
  /** Slots already tried and declined, so re-booking moves on. */
  readonly declinedSlots: readonly Instant[];
  /** Other viable starts found when it was booked: the only times the convener may move it to. */
  readonly alternatives?: readonly Instant[];
  /** Times attendees proposed instead (Graph's proposedNewTime), inside the window, newest last. */
  readonly proposals?: readonly MeetingProposal[];
  /** The convener's own answer, when Concord organised the meeting for them on a host calendar. */
  readonly convenerResponse?: MeetingAttendee['response'];
}

/** An attendee's proposed time for the meeting. */
export interface MeetingProposal {
  readonly name: string;
  readonly email: string;
  readonly start: Instant;
  readonly end: Instant;
}

export interface AgreedAction {
  readonly description: string;
  /** Free text such as "Team Manager, Gateshead"; not a person id, since it may be outside the tenant. */
  readonly owner: string;
  readonly dueDate: string;
  /** Marked done by a party (`action-done`): the London day it was done, who said so, and when. */
  readonly done?: { readonly on: string; readonly by: string; readonly at: Instant };
}

/** What became of a learning item (see handlers/learning.ts). */
export const LEARNING_OUTCOMES = ['taken-to-board', 'policy-changed', 'no-action'] as const;
export type LearningOutcome = (typeof LEARNING_OUTCOMES)[number];

export interface LearningFollowUp {
  /** The procedure's after-resolution item id. */
  readonly itemId: string;
  readonly outcome: LearningOutcome;
  /** Free text: shown only to the dispute's parties outside the record. */
  readonly note: string | null;
  readonly by: string;
  readonly at: Instant;
}

export interface StageOutcome {
  readonly stageId: string;
  readonly resolved: boolean;
  /** What was typed, or what happened where nobody typed anything (older states hold only strings). */
  readonly summary: OutcomeText;
  readonly actions: readonly AgreedAction[];
  readonly minutes?: string;
  /** The other agency's answer the outcome was about (an email stage's reply), when there was one. */
  /** `from` is the reply's address; `fromName` its sender as the directory names them, where known. */
  readonly reply?: {
    readonly from: string;
    readonly fromName?: string;
    readonly text: string;
    readonly at: Instant;
  };
  readonly recordedBy: string;
  readonly at: Instant;
}

export interface StageState {
  readonly id: string;
  readonly index: number;
  readonly startedAt: Instant;
  /** Null when the stage has no counted timescale. */
  readonly due: Instant | null;
  readonly dueDate: string | null;
  readonly phase: Phase;
  /** The person whose step it is now; only they may act. */
  readonly awaiting: PersonRef | null;
  readonly actor: PersonRef | null;
  readonly thread: readonly ThreadMessage[];
  readonly meeting: MeetingState | null;
  /** The stage whose entry is being decided, while `phase` is awaiting-decision. */
  readonly nextStageId?: string;
  readonly overdue: boolean;
  readonly chases: number;
  /** The people consulted at this stage because the directory could not find a party (`ifUnknown`). */
  readonly consultees?: readonly PersonRef[];
  /** The dispute `seq` at which the stage was entered: effects emitted before it belong to earlier stages. */
  readonly enteredSeq?: number;
}

/**
 * What a list of disputes shows of each (the person's "my disputes"): the store reads only these,
 * not the whole state with its threads, meetings and history.
 */
export type DisputeListing = Pick<
  DisputeState,
  'id' | 'procedureId' | 'status' | 'caseReference' | 'formalStartedAt' | 'overallDue'
> & {
  readonly stage: Pick<StageState, 'id' | 'startedAt' | 'due' | 'dueDate' | 'phase' | 'awaiting'>;
};

export interface DisputeState {
  readonly id: string;
  readonly procedureId: string;
  readonly procedureVersion: string;
  readonly status: DisputeStatus;
  readonly caseReference: string;
  readonly raisingOrganisationId: string;
  readonly counterpartOrganisationId: string;
  readonly category: string;
  readonly urgency: string | null;
  /**
   * Who the dispute is about, so wording can follow ("the child's plan", "the adult"): chosen at
   * raising where the procedure covers both, else what it covers. Absent only in disputes raised
   * before it was kept; `subjectOfDispute` (validate.ts) then reads the procedure's `appliesTo`.
   */
  readonly about?: CaseSubject;
  readonly details: DisputeDetails;
  readonly raisedBy: PersonRef;
  readonly raisedAt: Instant;
  readonly owner: PersonRef;
  readonly stage: StageState;
  readonly formalStartedAt: Instant | null;
  readonly overallDue: Instant | null;
  readonly outcomes: readonly StageOutcome[];
  /** Everyone who has taken part so far; the written confirmation of the outcome goes to all of them. */
  readonly participants: readonly PersonRef[];
  /** People already informed under a stage's `inform` rule (role ids). */
  readonly informed: readonly string[];
  readonly exceptionalRoute: string | null;
  readonly endedAt: Instant | null;
  /** What became of its learning items, oldest first (absent until one is recorded). */
  readonly learningFollowUps?: readonly LearningFollowUp[];
  /** The after-resolution items sent to someone in another tenant (absent until one is). */
  readonly afterResolutionSent?: readonly string[];
  /** Number of events applied; effect keys derive from it, so they are stable on replay. */
  readonly seq: number;
}

/** Who did it, and through what. Teams and email events name a person; timers and system do not. */
export type EventSource = 'teams' | 'email' | 'timer' | 'system' | 'calendar';

interface EventBase {
  /** The person acting, as resolved by the adapter from the authenticated identity. */
  readonly by?: PersonRef;
}

export type DisputeEvent = EventBase &
  (
    | {
        readonly type: 'raised';
        readonly disputeId: string;
        readonly by: PersonRef;
        /** The raiser confirmed there is no immediate risk (or has already acted on it). */
        readonly immediateRiskChecked: true;
        readonly caseReference: string;
        readonly raisingOrganisationId: string;
        readonly counterpartOrganisationId: string;
        readonly category: string;
        readonly urgency?: string;
        readonly details: DisputeDetails;
        /**
         * The raiser confirmed the dispute is none of the procedure's out-of-scope matters (Solihull:
         * conduct concerns, for the Position of Trust framework). Needed when the procedure has any.
         */
        readonly outOfScopeConfirmed?: true;
        /** A child or an adult at risk: needed where the procedure covers both (NEL). */
        readonly about?: CaseSubject;
        /** The raiser confirmed that a case reference reading like a name is the reference. */
        readonly caseReferenceConfirmed?: true;
      }
    /** The outcome of an informal contact (the decider's "raise informally with the counterpart"). */
    | {
        readonly type: 'informal-outcome';
        readonly by: PersonRef;
        readonly resolved: boolean;
        readonly summary: string;
      }
    | {
        readonly type: 'decision';
        readonly by: PersonRef;
        readonly choice: 'escalate' | 'informal' | 'accept';
        /** The statement the actor reviewed (pre-filled from the dispute); used for the stage's email. */
        readonly statement?: Partial<DisputeDetails>;
        /** For proportionate timescales: the working days agreed for the stage. */
        readonly agreedWorkingDays?: number;
        readonly reason?: string;
      }
    /** The record owner moves the dispute past one or more stages, where the procedure allows it. */
    | { readonly type: 'bypass'; readonly by: PersonRef; readonly toStageId: string; readonly reason: string }
    | {
        readonly type: 'message-sent';
        readonly effectKey: string;
        readonly kind: ThreadMessage['kind'];
        readonly internetMessageId: string;
        readonly conversationId?: string;
      }
    | {
        readonly type: 'reply-received';
        readonly internetMessageId: string;
        readonly conversationId?: string;
        readonly fromEmail: string;
        readonly text: string;
        /** The Concord emails this one answers (In-Reply-To / References), when the adapter knows them. */
        readonly inReplyTo?: readonly string[];
      }
    | {
        readonly type: 'acknowledged';
        readonly by: PersonRef;
        readonly agreed: boolean;
        readonly note?: string;
      }
    /** After the deadline passed without a reply: chase on the thread. */
    | { readonly type: 'chase'; readonly by: PersonRef; readonly note?: string }
    | {
        readonly type: 'timer-fired';
        readonly key: string;
        readonly kind: TimerKind;
        readonly stageId: string;
      }
    | {
        readonly type: 'meeting-booked';
        readonly effectKey: string;
        readonly eventId: string;
        readonly start: Instant;
        readonly end: Instant;
        readonly joinUrl?: string;
        /** A Teams meeting was asked for and Microsoft 365 created the event without a join link. */
        readonly onlineLinkMissing?: boolean;
        /** Other viable starts, earliest first, that the convener may move the meeting to. */
        readonly alternatives?: readonly Instant[];
      }
    /** No viable slot inside the window; the convener is asked to arrange it. */
    | { readonly type: 'meeting-unbookable'; readonly effectKey: string; readonly reason: string }
    | {
        readonly type: 'meeting-response';
        readonly eventId: string;
        readonly attendeeEmail: string;
        readonly response: MeetingAttendee['response'];
        /** The time the attendee proposed instead, when they tentatively accepted or declined with one. */
        readonly proposedNewTime?: { readonly start: Instant; readonly end: Instant };
      }
    | { readonly type: 'meeting-move'; readonly by: PersonRef; readonly start: Instant }
    /** A stage whose meeting is "if needed" (NEL stage 2, IRO stage 3): the actor asks for one. */
    | { readonly type: 'meeting-requested'; readonly by: PersonRef }
    | { readonly type: 'meeting-held'; readonly eventId: string }
    | {
        readonly type: 'outcome-recorded';
        readonly by: PersonRef;
        readonly resolved: boolean;
        readonly summary: string;
        readonly actions?: readonly AgreedAction[];
        readonly minutes?: string;
      }
    | {
        readonly type: 'exceptional-referral';
        readonly by: PersonRef;
        readonly routeId: string;
        readonly reason: string;
      }
    /** The referral a route sends by a particular means (IRO: Egress) has been sent by that means. */
    | { readonly type: 'referral-sent'; readonly by: PersonRef; readonly note?: string }
    /** A note the procedure lets a named party record at any point (`anytimeNotes`). */
    | {
        readonly type: 'note-recorded';
        readonly by: PersonRef;
        readonly noteId: string;
        readonly text?: string;
      }
    /**
     * After the resolution, a step the procedure says goes to someone in another tenant (Dudley: gaps
     * in policy "must be brought to the attention of the Chair"), sent to them by email with what it is.
     */
    | {
        readonly type: 'after-resolution-sent';
        readonly by: PersonRef;
        readonly itemId: string;
        readonly text: string;
      }
    /** A consultee in the host tenant answers from their Teams card (who the party is). */
    | { readonly type: 'consultation-answered'; readonly by: PersonRef; readonly text: string }
    | { readonly type: 'withdrawn'; readonly by: PersonRef; readonly reason: string }
    | {
        readonly type: 'resolved';
        readonly by: PersonRef;
        readonly summary: string;
        readonly actions?: readonly AgreedAction[];
      }
    | { readonly type: 'closed'; readonly by: PersonRef; readonly note?: string }
    /** Someone records what became of a learning item after resolution (the shell: oversight role). */
    | {
        readonly type: 'learning-followed-up';
        readonly by: PersonRef;
        readonly itemId: string;
        readonly outcome: LearningOutcome;
        readonly note?: string;
      }
    /** A party marks an agreed action done: `outcomes[outcomeIndex].actions[actionIndex]`, on a London day. */
    | {
        readonly type: 'action-done';
        readonly by: PersonRef;
        readonly outcomeIndex: number;
        readonly actionIndex: number;
        /** YYYY-MM-DD: not before the outcome that agreed it, not after today. */
        readonly doneOn: string;
      }
  );

export type DisputeEventType = DisputeEvent['type'];

export type {
  CardAction,
  CardKind,
  CardView,
  Effect,
  EmailTemplate,
  EmailView,
  RecordEntry,
} from './effects.ts';

export type { OutcomeText, RecordLine, RecordLineKind } from './record-intents.ts';

export type { Refusal, RefusalField, RefusalReason } from './refusal.ts';

/** A party resolved for one dispute. The directory adapter supplies this as a pure lookup. */
export interface RoleResolver {
  resolve(request: {
    readonly party: Party;
    readonly dispute: Pick<DisputeState, 'raisingOrganisationId' | 'counterpartOrganisationId' | 'raisedBy'>;
    /** For `relation: line-manager`: the person whose line manager is wanted. */
    readonly relativeTo?: PersonRef;
  }): PersonRef | null;
  /**
   * Whether the person is in the host tenant, so reached by Teams cards; people in another tenant
   * are reached by email on a tracked thread. When absent, the raising organisation counts as host.
   */
  inHostTenant?(person: PersonRef): boolean;
  /** An organisation's name as people read it (the directory's), or null when it is not known. */
  organisationName?(organisationId: string): string | null;
  /** The directory's person with this email address (any case), or null when it holds nobody. */
  personByEmail?(email: string): PersonRef | null;
}
