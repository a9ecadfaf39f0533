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
 * A dispute this process wrote last is written again without being read (issue 15): the state and
 * version each committed `applyEvent` wrote are kept in memory (the last `recentStates` disputes),
 * and the next event on that dispute is decided on them, in a transaction of two statements around
 * the write, whose update holds only while the stored version is still the one kept. When the
 * version moved (another instance, the scheduler, a concurrent event) nothing is kept and the event
 * goes the usual way: read, lock, decide. A refusal decided on the kept state is decided again the
 * usual way too, so a stale copy never refuses. Only committed pairs are kept: a version is never
 * reused once committed, so a kept version that matches names the stored state.
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
import { findDispute, listAuditEntries, lockDispute, writeDecision } from '../store/operations/index.ts';
import type { LockedDispute } from '../store/operations/lock-dispute.ts';
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
  /**
   * The dispute row as the caller already locked it in this transaction (`lockDispute` with the
   * prepared version), so `applyPrepared` does not lock and read it again. Null: no such row.
   */
  readonly locked?: LockedDispute | null | typeof KEPT;
}

/** `locked` for a prepared state this service kept from its own last commit (no lock, no read). */
const KEPT = Symbol('kept');

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
  /** How many disputes' last committed state to keep for the next event (0: read every time). */
  readonly recentStates?: number;
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

const CHANGED_MEANWHILE: Refusal = { reason: 'stale-card', code: 'changed-meanwhile', params: {} };
const NOT_RAISED: Refusal = { reason: 'not-raised', code: 'no-dispute-with-id', params: {} };
const MAX_STALE_RETRIES = 8;

export function createDisputeService(options: DisputeServiceOptions): DisputeService {
  const { store, decide, contextFor, clock } = options;
  const wallClock = options.wallClock ?? systemClock;
  const log = (options.log ?? silentLogger()).child({ component: 'dispute-service' });
  const recentMax = options.recentStates ?? 1_000;
  /** Dispute id → the version and state its last `applyEvent` in this process committed. */
  const recent = new Map<string, { readonly version: number; readonly state: DisputeState }>();
  const remember = (disputeId: string, version: number, state: DisputeState) => {
    if (recentMax <= 0) return;
    recent.delete(disputeId);
    // A copy as the store holds it (JSON), so a caller changing the returned state changes nothing here.
    recent.set(disputeId, { version, state: JSON.parse(JSON.stringify(state)) as DisputeState });
    if (recent.size > recentMax) recent.delete(recent.keys().next().value as string);
  };

  /** The kept state's environment (contextFor is still asked each time: its answers may change). */
  async function preparedFromRecent(disputeId: string, event: DisputeEvent): Promise<Prepared | null> {
    const kept = recent.get(disputeId);
    if (!kept) return null;
    const environment = await contextFor({
      disputeId,
      procedureId: kept.state.procedureId,
      procedureVersion: kept.state.procedureVersion,
      state: kept.state,
      raisingOrganisationId: raisingOrganisationOf(kept.state, event),
    });
    return { disputeId, version: kept.version, environment, state: kept.state };
  }

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
    // Written in the caller's transaction, which may yet roll back: nothing is kept for it.
    if (opts.locked !== KEPT) recent.delete(disputeId);
    // The caller may have locked the row already (the scheduler locks it before the timer).
    const locked =
      opts.locked === KEPT
        ? { version: prepared.version ?? 0, state: prepared.state }
        : opts.locked !== undefined
          ? opts.locked
          : await lockDispute(trx, disputeId, prepared.version);
    // The environment depends only on what never changes after the raise (procedure version,
    // organisations, raiser), so it stays valid while the row exists; only a raise that raced
    // another raise of the same id must be prepared again.
    if ((locked === null) !== (prepared.version === null)) return STALE;
    if (prepared.environment === null) return { ok: false, refusal: NOT_RAISED };

    const now = clock.now();
    // Unchanged since `prepare` read it: the lock did not send the state again.
    const state =
      locked === null
        ? null
        : (locked.state ?? (locked.version === prepared.version ? prepared.state : null));
    if (locked !== null && state === null) throw new Error(`dispute ${disputeId}: locked without its state`);
    if (opts.expectedSeq !== undefined && state && state.seq !== opts.expectedSeq) {
      return { ok: false, refusal: CHANGED_MEANWHILE };
    }
    const decision = decide(state, event, { ...prepared.environment, now: now.toISOString() });
    if (!decision.ok) return decision;

    const next = decision.state;
    if (next.id !== disputeId) {
      throw new Error(`decide returned dispute ${next.id} for an event on ${disputeId}`);
    }
    const seq = (locked?.version ?? 0) + 1;
    // One statement: state, audit row, timers, record lines and outbox entries (issue 15).
    const written = await writeDecision(trx, {
      state: next,
      version: seq,
      expectedVersion: locked ? locked.version : null,
      at: now,
      available: wallClock.now(),
      source: opts.source,
      stageId: state?.stage.id ?? next.stage.id,
      event,
      effects: decision.effects,
    });
    // Cannot happen under the row lock; thrown (not returned) so that the caller's transaction
    // rolls back whatever that statement wrote besides the state.
    if (!written) throw new ChangedUnderLock(disputeId);
    return { ok: true, state: next, effects: decision.effects, seq };
  }

  async function applyEvent(
    disputeId: string,
    event: DisputeEvent,
    opts: ApplyOptions,
  ): Promise<ApplyResult> {
    let useKept = true;
    for (let attempt = 0; attempt < MAX_STALE_RETRIES; attempt += 1) {
      const kept = useKept ? await preparedFromRecent(disputeId, event) : null;
      useKept = false;
      const prepared = kept ?? (await prepare(disputeId, { ...opts, event }));
      const applyOpts: ApplyOptions = kept ? { ...opts, locked: KEPT } : opts;
      let result: ApplyResult | typeof STALE;
      try {
        result = await store.db
          .transaction()
          .execute((trx) => applyPrepared(trx, prepared, event, applyOpts));
      } catch (error) {
        recent.delete(disputeId);
        // The kept version was not the stored one any more: nothing was written; read it.
        if (kept && error instanceof ChangedUnderLock) continue;
        // Two raises of one id raced: the loser retries and is refused by decide ('already-raised').
        if (isUniqueViolation(error) && prepared.version === null) continue;
        // PostgreSQL chose this transaction as a deadlock victim (or a serialization failure): nothing was written.
        if (isTransient(error) || error instanceof ChangedUnderLock) continue;
        throw error;
      }
      if (result === STALE) continue;
      // Refused on the kept state: decide again on the stored one (nothing was written).
      if (kept && !result.ok) continue;
      if (result.ok) {
        remember(disputeId, result.seq, result.state);
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

function raisingOrganisationOf(state: DisputeState | null, event: DisputeEvent | undefined): string | null {
  if (state) return state.raisingOrganisationId;
  return event?.type === 'raised' ? event.raisingOrganisationId : null;
}

/** The dispute's version moved although its row was locked: nothing of the event was kept. */
class ChangedUnderLock extends Error {
  constructor(disputeId: string) {
    super(`dispute ${disputeId} changed under its row lock`);
    this.name = 'ChangedUnderLock';
  }
}

function isTransient(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === '40P01' || code === '40001';
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
