/**
 * The small ports the Teams bot depends on. Everything outside `src/bot/` talks to the bot through
 * these (and the bot talks to the rest of Concord through them), so botbuilder types never leave
 * this folder and hosting can move to @microsoft/agents-hosting later.
 *
 * Words: docs/glossary.md.
 */
import type { RaiseDraft } from '../cards/view-models.ts';
import type {
  DisputeEvent,
  DisputeListing,
  DisputeState,
  PersonRef,
  RecordEntry,
  Refusal,
  RoleResolver,
} from '../domain/dispute/types.ts';

/** A person as the bot needs them: the domain's PersonRef plus how Teams knows them. */
export interface BotPerson extends PersonRef {
  readonly roles: readonly string[];
  readonly teamsUserId: string | null;
  readonly aadObjectId: string | null;
  /** Only host-tenant people can use the bot; partners are reached by email. */
  readonly inHostTenant: boolean;
}

export interface BotOrganisation {
  readonly id: string;
  readonly name: string;
  readonly procedures: readonly string[];
  readonly host: boolean;
  /** A board, an independent chair's office, CAFCASS: where independent parties are found, never a partner to raise against. */
  readonly independent: boolean;
}

/** Who Teams says is acting. Both may be present; `aadObjectId` is preferred. */
export interface TeamsIdentity {
  readonly aadObjectId?: string | undefined;
  /** The Teams user id (`from.id`); the local Agents Playground uses "user-id-0". */
  readonly teamsUserId?: string | undefined;
}

/** People lookups the bot needs. Implemented over the directory file or Graph. */
export interface PeopleDirectory {
  byTeamsIdentity(identity: TeamsIdentity): Promise<BotPerson | null>;
  person(personId: string): Promise<BotPerson | null>;
  organisation(organisationId: string): Promise<BotOrganisation | null>;
  organisations(): Promise<readonly BotOrganisation[]>;
  /** Everyone in the host tenant (local mode's "act as" picks from these). */
  people(): Promise<readonly BotPerson[]>;
}

/** An opaque, JSON-serialisable Bot Framework conversation reference. */
export type StoredReference = Readonly<Record<string, unknown>>;

/** Conversation references per person, refreshed on every turn. Backed by `conversation_refs`. */
export interface ConversationRefStore {
  save(entry: { personId: string; aadObjectId: string | null; reference: StoredReference }): Promise<void>;
  get(personId: string): Promise<StoredReference | null>;
}

/** A raise wizard in progress. `draftId` becomes the dispute id on submit. */
export interface SavedDraft {
  readonly draftId: string;
  /** Increments on every save; the card carries it for stale-card detection. */
  readonly seq: number;
  readonly fields: Partial<RaiseDraft>;
  readonly immediateRiskChecked: boolean;
  /**
   * The procedure whose "Before you start" the person completed: its out-of-scope matters confirmed
   * not to be theirs, who the dispute is about answered. Another procedure asks again.
   */
  readonly startedFor?: string;
  readonly savedAt: string | null;
}

/** One half-finished raise per person. */
export interface DraftStore {
  get(personId: string): Promise<SavedDraft | null>;
  save(personId: string, draft: SavedDraft): Promise<void>;
  remove(personId: string): Promise<void>;
}

/** The card last delivered into a slot, so the next card in that slot can turn it read-only. */
export interface SlotRecord {
  readonly personId: string;
  readonly reference: StoredReference;
  readonly activityId: string;
  /** The same card rendered read-only, sent over the old one when a newer card takes the slot. */
  readonly readOnlyCard: Readonly<Record<string, unknown>>;
  /** The card as delivered, and the step it was for: "open" shows it again while that step lasts. */
  readonly card?: Readonly<Record<string, unknown>>;
  readonly stepKey?: string;
  /**
   * The delivery attempt whose card is in this slot (card-sender.ts). The card's refresh carries
   * it, so a copy from an interrupted earlier attempt can tell it has been sent again.
   */
  readonly sendId?: string;
  /**
   * The attempt this card was sent again for: an attempt of the same effect that was interrupted
   * after the Bot Connector may have delivered its copy. That copy refreshes as "sent again"; a
   * card that is simply older (an earlier step's, or before the meeting moved) refreshes as usual.
   */
  readonly supersedes?: string;
  /**
   * Interrupted attempts of earlier effects that were not posted again because this newer card
   * had their place (card-sender.ts). The Connector may have taken their copy before the crash; it
   * refreshes as "sent again", like a copy that `supersedes` names, so one live card remains.
   */
  readonly supersededSends?: readonly string[];
  /**
   * The dispute `seq` of the event that asked for this card (from its effect key). A card asked
   * for earlier that is still in the outbox (a retry after a crash, a backlog) is for a step this
   * one replaced: it is not posted over it.
   */
  readonly emittedSeq?: number;
}

/** Card slots and the step each rendered `seq` belonged to (stale-card detection). */
export interface CardStateStore {
  getSlot(slot: string): Promise<SlotRecord | null>;
  setSlot(slot: string, record: SlotRecord): Promise<void>;
  /** Remembers which step a card rendered at `seq` was for. */
  rememberStep(disputeId: string, seq: number, stepKey: string): Promise<void>;
  stepAt(disputeId: string, seq: number): Promise<string | null>;
  /**
   * The activity id a `send-card` effect key was delivered as, so a repeat sends nothing; or
   * `sending:<sendId>` while an attempt is under way.
   */
  deliveredAs(effectKey: string): Promise<string | null>;
  markDelivered(effectKey: string, activityId: string): Promise<void>;
}

export type ApplyOutcome =
  | { readonly ok: true; readonly state: DisputeState }
  | { readonly ok: false; readonly refusal: Refusal };

/** The disputes the bot reads and changes. Changes go through `DisputeService.applyEvent`. */
export interface DisputeGateway {
  apply(
    disputeId: string,
    event: DisputeEvent,
    options?: { procedureId?: string; expectedSeq?: number },
  ): Promise<ApplyOutcome>;
  get(disputeId: string): Promise<DisputeState | null>;
  /** Disputes the person raised, owns, is waiting on or took part in, as a list shows them; newest first. */
  listFor(personId: string): Promise<readonly DisputeListing[]>;
  /** The record entries (timeline), oldest first. */
  records(disputeId: string): Promise<readonly RecordEntry[]>;
  /**
   * The directory's role resolver as the dispute's decisions use it, so a card offers a step only
   * to the person `decide` would accept it from (null when the dispute is not known).
   */
  resolverFor(disputeId: string): Promise<RoleResolver | null>;
}

/**
 * Opens a conversation with a person who never chatted with the bot, so a card can reach them: in
 * the cloud by installing Concord's Teams app for them (Graph `teamwork/installedApps`, after which
 * Teams sends the conversationUpdate that stores their reference), locally by mapping them onto the
 * Agents Playground's chat. `ok: true` means a reference may now be stored.
 */
export interface ConversationOpener {
  open(person: PersonRef): Promise<
    | { readonly ok: true }
    | {
        readonly ok: false;
        readonly error: string;
        /** False when trying again cannot help until someone acts (default true). */
        readonly retryable?: boolean;
        /** For the dispute owner's notice: what happened and what to do, in plain words. */
        readonly notice?: string;
      }
  >;
}

/**
 * Local mode only: which directory person the Playground user is playing. Absent in the cloud, so
 * identity always comes from the authenticated Teams user there.
 */
export interface ActingAs {
  get(teamsUserId: string): string | null;
  set(teamsUserId: string, personId: string | null): void;
}

export interface BotClock {
  now(): Date;
}
