/**
 * The store's tables as Kysely types. Migrations in `./migrations/` create them; this file is the
 * read/write view the rest of the code compiles against.
 *
 * Words: docs/glossary.md.
 */
import type { ColumnType, Generated, Kysely, Selectable } from 'kysely';
import type {
  DisputeEvent,
  DisputeState,
  Effect,
  EventSource,
  RecordEntry,
  TimerKind,
} from '../domain/dispute/types.ts';

/** A timestamptz: read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A jsonb column: read as the value, written as JSON text (so arrays stay JSON, not SQL arrays). */
export type Json<T> = ColumnType<T, string, string>;

export type OutboxStatus = 'pending' | 'done' | 'parked';

export interface DisputesTable {
  id: string;
  procedure_id: string;
  procedure_version: string;
  status: string;
  stage_id: string;
  phase: string;
  case_reference: string;
  owner_id: string | null;
  state: Json<DisputeState>;
  /** The open stage's due instant; null when closed or the stage has no timescale. */
  next_due: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Bumped on every accepted event: optimistic concurrency for readers outside the row lock. */
  version: number;
  /** Everyone the dispute involves (`disputePeople`), GIN-indexed: per-person views read by it. */
  people: ColumnType<string[], string[] | undefined, string[]>;
}

export interface AuditTable {
  dispute_id: string;
  /** 1, 2, 3 … per dispute, in the order the events were accepted. */
  seq: number;
  /** Domain time (the Clock) when the event was decided; replay passes it as `now`. */
  at: Timestamp;
  actor: string | null;
  source: EventSource;
  stage_id: string | null;
  event_type: string;
  event: Json<DisputeEvent>;
}

export interface RecordsTable {
  key: string;
  dispute_id: string;
  /** The audit seq whose decision wrote it: orders the record. */
  seq: number;
  at: Timestamp;
  stage_id: string;
  entry: Json<RecordEntry>;
}

export interface TimersTable {
  key: string;
  dispute_id: string;
  kind: TimerKind;
  stage_id: string;
  due_at: Timestamp;
  created_at: Timestamp;
  fired_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  /** 'applied' or 'refused:<reason>' once fired. */
  outcome: string | null;
  /** The last scheduler that tried it, and a hold-off after a failed attempt (wall time). */
  locked_by: string | null;
  locked_until: Timestamp | null;
  attempts: Generated<number>;
  last_error: string | null;
}

export interface OutboxTable {
  key: string;
  dispute_id: string;
  type: Effect['type'];
  effect: Json<Effect>;
  status: OutboxStatus;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  locked_by: string | null;
  locked_until: Timestamp | null;
  last_error: string | null;
  result: Json<unknown> | null;
  created_at: Timestamp;
  done_at: Timestamp | null;
}

export interface GraphSubscriptionsTable {
  id: string;
  /** `inbox` (replies) or `events` (meeting responses). */
  kind: ColumnType<'inbox' | 'events', 'inbox' | 'events' | undefined, 'inbox' | 'events'>;
  /** The mailbox's Entra object id: notifications name the mailbox by it. */
  mailbox_id: string | null;
  resource: string;
  mailbox: string | null;
  client_state: string;
  expires_at: Timestamp;
  delta_link: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConversationRefsTable {
  person_id: string;
  aad_object_id: string | null;
  reference: Json<unknown>;
  updated_at: Timestamp;
}

export interface DirectoryCacheTable {
  kind: 'person' | 'organisation' | 'manager';
  id: string;
  data: Json<unknown>;
  fetched_at: Timestamp;
}

/** The card last delivered into each slot (migration 0003). */
export interface CardSlotsTable {
  slot: string;
  record: Json<unknown>;
  updated_at: Timestamp;
}

/** Which step a card rendered at a dispute's `seq` was for (migration 0003). */
export interface CardStepsTable {
  dispute_id: string;
  seq: number;
  step_key: string;
  created_at: Timestamp;
}

/** The activity each delivered `send-card` effect key became (migration 0003). */
export interface CardDeliveriesTable {
  effect_key: string;
  activity_id: string;
  created_at: Timestamp;
}

/**
 * A durable queue's rows: accepted Graph change notifications (`graph_notifications`, migration
 * 0004) and, in local mode, the bot's replies waiting for delivery (`bot_replies`, migration 0005).
 */
export interface QueueTable {
  key: string;
  job: Json<unknown>;
  generation: Generated<number>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  locked_by: string | null;
  locked_until: Timestamp | null;
  last_error: string | null;
  created_at: Generated<Date>;
}

/** Singletons: the test clock's instant, the stored bank-holiday feed. */
export interface KvTable {
  key: string;
  value: Json<unknown>;
  updated_at: Timestamp;
}

export interface MessageIndexTable {
  internet_message_id: string;
  conversation_id: string | null;
  dispute_id: string;
  stage_id: string | null;
  created_at: Timestamp;
}

export interface MeetingIndexTable {
  event_id: string;
  dispute_id: string;
  convener: string;
  ends_at: Timestamp;
  created_at: Timestamp;
}

export interface DeltaLinksTable {
  mailbox: string;
  link: string;
  /** Every message received before this was seen: where a resync after an expired token starts. */
  watermark: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  updated_at: Timestamp;
}

/** Who is creating the Graph subscription of one mailbox and kind, until when (several instances). */
export interface GraphSubscriptionClaimsTable {
  mailbox: string;
  kind: 'inbox' | 'events';
  holder: string;
  expires_at: Timestamp;
}

/** The exact definition each running dispute started under (PagerDuty's rule). */
export interface ProcedureVersionsTable {
  procedure_id: string;
  version: string;
  /** sha256 of the canonical JSON: a changed file with an unchanged version is refused. */
  digest: string;
  definition: Json<unknown>;
  created_at: Timestamp;
}

export interface RaiseDraftsTable {
  person_id: string;
  draft: Json<Record<string, unknown>>;
  updated_at: Timestamp;
}

export interface Database {
  message_index: MessageIndexTable;
  meeting_index: MeetingIndexTable;
  delta_links: DeltaLinksTable;
  graph_subscription_claims: GraphSubscriptionClaimsTable;
  procedure_versions: ProcedureVersionsTable;
  raise_drafts: RaiseDraftsTable;
  disputes: DisputesTable;
  audit: AuditTable;
  records: RecordsTable;
  timers: TimersTable;
  outbox: OutboxTable;
  graph_subscriptions: GraphSubscriptionsTable;
  conversation_refs: ConversationRefsTable;
  directory_cache: DirectoryCacheTable;
  kv: KvTable;
  card_slots: CardSlotsTable;
  card_steps: CardStepsTable;
  card_deliveries: CardDeliveriesTable;
  graph_notifications: QueueTable;
  bot_replies: QueueTable;
}

/** What every store operation runs on: the store's `db`, or a transaction opened on it. */
export type Db = Kysely<Database>;

export type DisputeRow = Selectable<DisputesTable>;
export type AuditRow = Selectable<AuditTable>;
export type TimerRow = Selectable<TimersTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type RecordRow = Selectable<RecordsTable>;

/** The tables that hold a durable queue (the same columns each). */
export type QueueTableName = 'graph_notifications' | 'bot_replies';

/** Serialises a value for a jsonb column. */
export function json<T>(value: T): string {
  return JSON.stringify(value);
}
