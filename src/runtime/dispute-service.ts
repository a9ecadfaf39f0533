/**
 * `applyEvent`: the one way a dispute changes. In ONE transaction it locks the dispute row
 * (`SELECT … FOR UPDATE`), calls `decide`, writes the new state, appends the audit row, applies
 * timer effects to `timers`, writes `record` effects to `records`, and puts every effect that
 * touches the outside world into the outbox. A refusal is returned as a value and writes nothing.
 *
 * The decide context (procedure version, calendar, resolver) comes from the injected `contextFor`,
 * which is called *before* the transaction opens: it may do I/O (a directory lookup) without
 * holding a lock, and on PGlite's single connection it could not query inside the transaction
 * anyway. Contract: `contextFor` depends only on the dispute's facts that never change after the
 * raise (procedure id and version, organisations, raiser), so its answer stays valid while
 * other events land on the dispute between `prepare` and the locked write; `decide` always sees
 * the state read under the lock.
 *
 * @example
 * const service = createDisputeService({ store, decide, contextFor, clock: systemClock });
 * const result = await service.applyEvent('d-1', event, { source: 'teams' });
 * if (!result.ok) reply(refusalText(result.refusal));
 */
import type { Transaction } from 'kysely';
import type { Decide, DecideContext } from '../domain/dispute/decide-types.ts';
import type { DisputeEvent, DisputeState, Effect, EventSource, Refusal } from '../domain/dispute/types.ts';
import { describeEvent, type Logger, silentLogger } from '../log/index.ts';
import type { Store } from '../store/open-store.ts';
import {
  appendAuditEntry,
  cancelTimer,
  enqueueEffect,
  findDispute,
  listAuditEntries,
  lockDispute,
  saveDispute,
  setTimer,
  writeRecordEntry,
} from '../store/operations/index.ts';
import type { Database } from '../store/schema.ts';
import { type Clock, systemClock } from './clock.ts';

/** What `contextFor` is told about the dispute the event is for. */
export interface ContextSubject {
  readonly disputeId: string;
  readonly procedureId: string;
  /** The version the dispute started under; null for a dispute being raised (use the current one). */
  readonly procedureVersion: string | null;
  readonly state: DisputeState | null;
  /**
   * The raising organisation (its division and closure days pick the calendar): from the state, or
   * for a dispute being raised from the `raised` event. Null only if neither is known.
   */
  readonly raisingOrganisationId: string | null;
}

/** The decide context minus `now`, which the service takes from its Clock. */
export type DecideEnvironment = Omit<DecideContext, 'now'>;
export type ContextFor = (subject: ContextSubject) => DecideEnvironment | Promise<DecideEnvironment>;

export interface ApplyOptions {
  readonly source: EventSource;
  /** Required when the event raises a new dispute: the procedure chosen for it. */
  readonly procedureId?: string;
  /**
   * The dispute's `seq` the caller acted on (a card click). If another event landed first, the
   * event is refused instead of applied twice (two quick clicks on two servers).
   */
  readonly expectedSeq?: number;
}

/** What `prepare` may be told: the procedure for a new dispute, and the event about to be applied. */
export interface PrepareOptions extends Pick<ApplyOptions, 'procedureId'> {
  readonly event?: DisputeEvent;
}

export type ApplyResult =
  | {
      readonly ok: true;
      readonly state: DisputeState;
      readonly effects: readonly Effect[];
      /** The audit seq of this event (1 for the raise). */
      readonly seq: number;
    }
  | { readonly ok: false; readonly refusal: Refusal };

/** A dispute read outside the lock, with its context computed. `state` is informational: decide gets the locked one. */
export interface Prepared {
  readonly disputeId: string;
  readonly version: number | null;
  readonly environment: DecideEnvironment | null;
  readonly state: DisputeState | null;
}

/** Returned by `applyPrepared` when the dispute was raised by someone else after `prepare`: prepare again. */
export const STALE = Symbol('stale');

export interface DisputeServiceOptions {
  readonly store: Store;
  readonly decide: Decide;
  readonly contextFor: ContextFor;
  /** Domain time: `now` for decide, audit `at`, timer creation. */
  readonly clock: Clock;
  /** Real time for outbox availability (effects are due as soon as they commit). */
  readonly wallClock?: Clock;
  readonly log?: Logger;
  /** Called after an event commits (e.g. to wake the outbox worker instead of waiting for its poll). */
  readonly onCommitted?: (disputeId: string) => void;
}

export interface DisputeService {
  applyEvent(disputeId: string, event: DisputeEvent, options: ApplyOptions): Promise<ApplyResult>;
  /** Step 1 of applying inside a caller's transaction (the scheduler, the outbox worker). */
  prepare(disputeId: string, options?: PrepareOptions): Promise<Prepared>;
  /** Step 2: inside `trx`, lock, check `prepared` is current, decide and write. */
  applyPrepared(
    trx: Transaction<Database>,
    prepared: Prepared,
    event: DisputeEvent,
    options: ApplyOptions,
  ): Promise<ApplyResult | typeof STALE>;
  get(disputeId: string): Promise<DisputeState | null>;
  /**
   * Rebuilds a dispute's state by replaying its audit log through `decide` (each event at its `at`);
   * with `until`, only the events decided at or before it: the dispute as it was then (null if it had
   * not been raised).
   */
  replay(disputeId: string, until?: Date): Promise<DisputeState | null>;
}

/** Where each effect type goes when its decision commits. Everything else is the outbox's. */
const LOCAL_EFFECTS = { 'set-timer': 'timers', 'cancel-timer': 'timers', record: 'records' } as const;
type LocalEffectType = keyof typeof LOCAL_EFFECTS;

function isLocal(effect: Effect): effect is Extract<Effect, { type: LocalEffectType }> {
  return effect.type in LOCAL_EFFECTS;
}

const CHANGED_MEANWHILE: Refusal = { reason: 'stale-card', code: 'changed-meanwhile', params: {} };
const NOT_RAISED: Refusal = { reason: 'not-raised', code: 'no-dispute-with-id', params: {} };
const MAX_STALE_RETRIES = 8;

export function createDisputeService(options: DisputeServiceOptions): DisputeService {
  const { store, decide, contextFor, clock } = options;
  const wallClock = options.wallClock ?? systemClock;
  const log = (options.log ?? silentLogger()).child({ component: 'dispute-service' });

  async function prepare(disputeId: string, opts: PrepareOptions = {}): Promise<Prepared> {
    const row = await findDispute(store.db, disputeId);
    const procedureId = row?.procedure_id ?? opts.procedureId;
    if (procedureId === undefined) return { disputeId, version: null, environment: null, state: null };
    const state = row?.state ?? null;
    const environment = await contextFor({
      disputeId,
      procedureId,
      procedureVersion: row?.procedure_version ?? null,
      state,
      raisingOrganisationId: raisingOrganisationOf(state, opts.event),
    });
    return { disputeId, version: row?.version ?? null, environment, state };
  }

  async function applyPrepared(
    trx: Transaction<Database>,
    prepared: Prepared,
    event: DisputeEvent,
    opts: ApplyOptions,
  ): Promise<ApplyResult | typeof STALE> {
    const { disputeId } = prepared;
    const row = (await lockDispute(trx, disputeId)) ?? undefined;
    // The environment depends only on what never changes after the raise (procedure version,
    // organisations, raiser), so it stays valid while the row exists; only a raise that raced
    // another raise of the same id must be prepared again.
    if ((row === undefined) !== (prepared.version === null)) return STALE;
    if (prepared.environment === null) return { ok: false, refusal: NOT_RAISED };

    const now = clock.now();
    const state = row?.state ?? null;
    if (opts.expectedSeq !== undefined && state && state.seq !== opts.expectedSeq) {
      return { ok: false, refusal: CHANGED_MEANWHILE };
    }
    const decision = decide(state, event, { ...prepared.environment, now: now.toISOString() });
    if (!decision.ok) return decision;

    const next = decision.state;
    if (next.id !== disputeId) {
      throw new Error(`decide returned dispute ${next.id} for an event on ${disputeId}`);
    }
    const seq = (row?.version ?? 0) + 1;
    const saved = await saveDispute(trx, {
      state: next,
      version: seq,
      at: now,
      expectedVersion: row ? row.version : null,
    });
    if (!saved) return STALE;
    await appendAuditEntry(trx, {
      disputeId,
      seq,
      at: now,
      source: opts.source,
      stageId: state?.stage.id ?? next.stage.id,
      event,
    });

    const available = wallClock.now();
    for (const effect of decision.effects) {
      if (isLocal(effect)) await applyLocalEffect(trx, disputeId, seq, now, effect);
      else await enqueueEffect(trx, { disputeId, effect, at: available });
    }
    return { ok: true, state: next, effects: decision.effects, seq };
  }

  async function applyEvent(
    disputeId: string,
    event: DisputeEvent,
    opts: ApplyOptions,
  ): Promise<ApplyResult> {
    for (let attempt = 0; attempt < MAX_STALE_RETRIES; attempt += 1) {
      const prepared = await prepare(disputeId, { ...opts, event });
      let result: ApplyResult | typeof STALE;
      try {
        result = await store.db.transaction().execute((trx) => applyPrepared(trx, prepared, event, opts));
      } catch (error) {
        // Two raises of one id raced: the loser retries and is refused by decide ('already-raised').
        if (isUniqueViolation(error) && prepared.version === null) continue;
        // PostgreSQL chose this transaction as a deadlock victim (or a serialization failure): nothing was written.
        if (isTransient(error)) continue;
        throw error;
      }
      if (result === STALE) continue;
      if (result.ok) {
        log.debug({ disputeId, seq: result.seq, event: describeEvent(event) }, 'event applied');
        options.onCommitted?.(disputeId);
      } else
        log.info({ disputeId, event: describeEvent(event), refusal: result.refusal.reason }, 'event refused');
      return result;
    }
    throw new Error(`dispute ${disputeId} kept changing; gave up after ${MAX_STALE_RETRIES} attempts`);
  }

  async function get(disputeId: string): Promise<DisputeState | null> {
    return (await findDispute(store.db, disputeId))?.state ?? null;
  }

  async function replay(disputeId: string, until?: Date): Promise<DisputeState | null> {
    const row = await findDispute(store.db, disputeId);
    if (!row) return null;
    const audit = await listAuditEntries(store.db, disputeId);
    let state: DisputeState | null = null;
    for (const entry of audit) {
      if (until && entry.at.getTime() > until.getTime()) break;
      const environment = await contextFor({
        disputeId,
        procedureId: row.procedure_id,
        procedureVersion: row.procedure_version,
        state,
        raisingOrganisationId: raisingOrganisationOf(state, entry.event),
      });
      const decision = decide(state, entry.event, { ...environment, now: entry.at.toISOString() });
      if (!decision.ok) {
        throw new Error(`replay of ${disputeId} refused audit seq ${entry.seq}: ${decision.refusal.reason}`);
      }
      state = decision.state;
    }
    return state;
  }

  return { applyEvent, prepare, applyPrepared, get, replay };
}

async function applyLocalEffect(
  trx: Transaction<Database>,
  disputeId: string,
  seq: number,
  now: Date,
  effect: Extract<Effect, { type: LocalEffectType }>,
): Promise<void> {
  switch (effect.type) {
    case 'set-timer':
      return setTimer(trx, {
        key: effect.key,
        disputeId,
        kind: effect.kind,
        stageId: effect.stageId,
        dueAt: effect.at,
        createdAt: now,
      });
    case 'cancel-timer':
      return cancelTimer(trx, effect.key, now);
    case 'record':
      return writeRecordEntry(trx, { key: effect.key, disputeId, seq, entry: effect.entry });
  }
}

function raisingOrganisationOf(state: DisputeState | null, event: DisputeEvent | undefined): string | null {
  if (state) return state.raisingOrganisationId;
  return event?.type === 'raised' ? event.raisingOrganisationId : null;
}

function isTransient(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === '40P01' || code === '40001';
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
