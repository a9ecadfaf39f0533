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

/** An instant as an ISO-8601 UTC string. Stored state never holds Date objects. */
export type Instant = string;

/** A person resolved from the directory. Case content never goes here. */
export interface PersonRef {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly organisationId: string;
}

export interface DisputeDetails {
  /** What is in dispute and its impact on the care plan. */
  readonly issue: string;
  readonly informalAttempts: string;
  readonly resolutionSought: string;
}

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

export interface ThreadMessage {
  readonly kind: 'statement' | 'reply' | 'acknowledgement' | 'chase' | 'letter' | 'referral';
  readonly internetMessageId: string;
  readonly conversationId?: string;
  readonly at: Instant;
  /** The new text of a reply, quoted history removed. Only replies carry text. */
  readonly text?: string;
  readonly from?: string;
}

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
  readonly attendees: readonly MeetingAttendee[];
  /** Slots already tried and declined, so re-booking moves on. */
  readonly declinedSlots: readonly Instant[];
  /** Other viable starts found when it was booked: the only times the convener may move it to. */
  readonly alternatives?: readonly Instant[];
}

export interface AgreedAction {
  readonly description: string;
  /** Free text such as "Team Manager, Gateshead"; not a person id, since it may be outside the tenant. */
  readonly owner: string;
  readonly dueDate: string;
}

export interface StageOutcome {
  readonly stageId: string;
  readonly resolved: boolean;
  readonly summary: string;
  readonly actions: readonly AgreedAction[];
  readonly minutes?: string;
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
}

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
  /** Number of events applied; effect keys derive from it, so they are stable on replay. */
  readonly seq: number;
}

/** Who did it, and through what. Teams and email events name a person; timers and system do not. */
export type EventSource = 'teams' | 'email' | 'timer' | 'system' | 'calendar';

interface EventBase {
  /** The person acting, as resolved by the adapter from the authenticated identity. */
  readonly by?: PersonRef;
}

export type TimerKind =
  | 'stage-deadline'
  | 'stage-warning-50'
  | 'stage-warning-75'
  | 'overall-deadline'
  | 'overall-warning-50'
  | 'overall-warning-75'
  | 'meeting-end'
  | 'action-due';

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
    | { readonly type: 'withdrawn'; readonly by: PersonRef; readonly reason: string }
    | {
        readonly type: 'resolved';
        readonly by: PersonRef;
        readonly summary: string;
        readonly actions?: readonly AgreedAction[];
      }
    | { readonly type: 'closed'; readonly by: PersonRef; readonly note?: string }
  );

export type DisputeEventType = DisputeEvent['type'];

export type EmailTemplate =
  | 'stage-statement'
  | 'acknowledgement'
  | 'chase'
  | 'letter'
  | 'inform'
  | 'referral'
  | 'written-confirmation';

export type CardKind =
  | 'decision'
  | 'informal-outcome'
  | 'review-reply'
  | 'no-response'
  | 'meeting'
  | 'outcome'
  | 'owner-decision'
  | 'warning'
  | 'feedback'
  | 'status'
  | 'action-due';

/** Effects are data. Every one carries a stable key; the runtime performs each key at most once. */
export type Effect =
  | {
      readonly type: 'send-email';
      readonly key: string;
      readonly from: PersonRef;
      readonly to: readonly PersonRef[];
      readonly cc: readonly PersonRef[];
      readonly importance: 'high' | 'normal';
      readonly template: EmailTemplate;
      readonly kind: ThreadMessage['kind'] | 'notice';
      /** Reply on this thread rather than starting one. */
      readonly inReplyTo?: { readonly internetMessageId: string; readonly conversationId?: string };
      readonly view: EmailView;
    }
  | {
      readonly type: 'send-card';
      readonly key: string;
      readonly to: PersonRef;
      readonly card: CardKind;
      /** Cards with one slot replace each other in place, so a stale card cannot act twice. */
      readonly slot: string;
      readonly view: CardView;
    }
  | {
      readonly type: 'book-meeting';
      readonly key: string;
      readonly convener: PersonRef;
      readonly attendees: readonly {
        readonly person: PersonRef;
        readonly required: boolean;
        readonly external: boolean;
      }[];
      readonly window: { readonly start: Instant; readonly end: Instant };
      readonly durationMinutes: number;
      readonly subject: string;
      readonly agenda: readonly string[];
      /** The event to replace when re-booking, and the starts already declined. */
      readonly replaces?: string;
      readonly avoidStarts: readonly Instant[];
      /** A start chosen by the convener instead of the earliest viable slot. */
      readonly preferredStart?: Instant;
    }
  | {
      readonly type: 'cancel-meeting';
      readonly key: string;
      readonly convener: PersonRef;
      readonly eventId: string;
    }
  | {
      readonly type: 'set-timer';
      readonly key: string;
      readonly at: Instant;
      readonly kind: TimerKind;
      readonly stageId: string;
    }
  | { readonly type: 'cancel-timer'; readonly key: string }
  | { readonly type: 'record'; readonly key: string; readonly entry: RecordEntry };

/** A line of the case record: what goes on the child's or adult's file. */
export interface RecordEntry {
  readonly stageId: string;
  readonly stageName: string;
  readonly contactType: 'email' | 'meeting' | 'discussion' | 'reassignment' | 'written' | 'card' | 'system';
  readonly between: readonly string[];
  readonly summary: string;
  readonly outcome?: string;
  readonly at: Instant;
}

/** What an email template needs. Case reference, never a name. All strings are escaped by the renderer. */
export interface EmailView {
  readonly disputeId: string;
  readonly caseReference: string;
  readonly procedureName: string;
  readonly stageName: string;
  readonly subject: string;
  readonly paragraphs: readonly string[];
  readonly fields: readonly { readonly label: string; readonly value: string }[];
  readonly responseDue?: {
    readonly due: Instant;
    readonly dueDate: string;
    readonly workingDays: number | null;
  };
  readonly overallDue?: string | null;
}

/** A button on a card. Verbs: see `VERBS` in stage-flow.ts; `refer:<routeId>` for exceptional routes. */
export interface CardAction {
  readonly verb: string;
  readonly title: string;
}

export interface CardView {
  readonly disputeId: string;
  readonly caseReference: string;
  readonly procedureName: string;
  readonly stageName: string;
  readonly title: string;
  readonly text: readonly string[];
  readonly due: Instant | null;
  readonly dueDate: string | null;
  readonly overallDue: Instant | null;
  readonly overallWorkingDays: number | null;
  /** Buttons the card offers; `verb` is routed by the bot to an event. */
  readonly actions: readonly CardAction[];
  readonly facts: readonly { readonly label: string; readonly value: string }[];
}

export type { Refusal, RefusalField, RefusalReason } from './refusal.ts';

/** A party resolved for one dispute. The directory adapter supplies this as a pure lookup. */
export interface RoleResolver {
  resolve(request: {
    readonly party: Party;
    readonly dispute: Pick<DisputeState, 'raisingOrganisationId' | 'counterpartOrganisationId' | 'raisedBy'>;
    /** For `relation: line-manager`: the person whose line manager is wanted. */
    readonly relativeTo?: PersonRef;
  }): PersonRef | null;
}
