/**
 * The effects `decide` asks for, and the views the shell builds from them. All plain data: every
 * effect carries a stable key; the runtime performs each key at most once.
 */
import type { CardFrame, CardIntent } from './card-intents.ts';
import type { EmailFrame, EmailIntent, MeetingContext, MeetingForm, MeetingTitle } from './email-intents.ts';
import type { Instant, PersonRef, ThreadMessage, TimerKind } from './primitives.ts';
import type { RecordEntry } from './record-intents.ts';

export type { RecordEntry } from './record-intents.ts';

export type EmailTemplate =
  | 'stage-statement'
  | 'acknowledgement'
  | 'chase'
  | 'letter'
  | 'discussion'
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
      /** What the email says, as data; worded by `emailViewOf` in src/email/wording.ts. */
      readonly message: EmailIntent;
      readonly frame: EmailFrame;
    }
  | {
      readonly type: 'send-card';
      readonly key: string;
      readonly to: PersonRef;
      readonly card: CardKind;
      /** Cards with one slot replace each other in place, so a stale card cannot act twice. */
      readonly slot: string;
      /** What the card asks or tells, as data; worded by `cardViewOf` in src/cards/wording. */
      readonly intent: CardIntent;
      readonly frame: CardFrame;
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
      /** What the invitation's subject names; worded by src/email/wording.ts (`meetingSubject`). */
      readonly title?: MeetingTitle;
      /** The worded subject of a booking asked for before titles were data (outbox rows from then). */
      readonly subject?: string;
      readonly agenda: readonly string[];
      /** The case as the invitation describes it (absent on bookings queued before it was data). */
      readonly context?: MeetingContext;
      /** How the meeting may be held; absent: a Teams meeting. */
      readonly form?: MeetingForm;
      /** The event to replace when re-booking, and the starts already declined. */
      readonly replaces?: string;
      readonly avoidStarts: readonly Instant[];
      /** A start chosen by the convener instead of the earliest viable slot. */
      readonly preferredStart?: Instant;
      /** Times attendees proposed (Graph's proposedNewTime): booked first when still viable. */
      readonly proposedStarts?: readonly Instant[];
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

/** An email as worded (`emailViewOf`): what its template needs. Case reference, never a name. All strings are escaped by the renderer. */
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
    /** Within so many hours: the deadline is stated with its time. */
    readonly hours?: number;
  };
  readonly overallDue?: string | null;
}

/** A button on a card, as worded for it. Verbs: see `VERBS` in verbs.ts; `refer:<routeId>` for exceptional routes. */
export interface CardAction {
  readonly verb: string;
  readonly title: string;
  /** Fixed data the button carries besides the dispute and its seq (e.g. the item it is for). */
  readonly data?: Readonly<Record<string, string>>;
}

/** A card as worded (`cardViewOf`): the frame, title, text, buttons and facts. */
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
  /** A text box the buttons send as `note` (what the person writes, e.g. the gap in policy). */
  readonly input?: { readonly label: string };
}
