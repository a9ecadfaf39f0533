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
 * The first attempt needs no lock and no transaction (issue 15): the event is decided on the state
 * this process committed last for the dispute (the last `recentStates` disputes are kept in memory),
 * else for a raise on no state (the id is assumed new), else on the state read now, and written by
 * ONE statement (`writeDecision`) that holds only while the stored version is still the one decided
 * on, and is atomic by itself. When the version moved (another instance, the scheduler, a concurrent
 * event) or the raised id exists, nothing is written and the event goes the locked way: read, lock,
 * decide, write, in a transaction. A refusal decided on a kept state (or an assumed-new raise) is
 * decided again the locked way too, so a stale copy never refuses. Only committed pairs are kept: a
 * version is never reused once committed, so a kept version that matches names the stored state.
 *
 * @example
 * const service = createDisputeService({ store, decide, contextFor, clock: systemClock });
 * const result = await service.applyEvent('d-1', event, { source: 'teams' });
 * if (!result.ok) reply(refusalText(result.refusal));
 */
import type { Transaction } from 'kysely';
import type { Decide } from '../domain/dispute/decide-types.ts';
import type { DisputeEvent, DisputeState, Effect, EventSource, Refusal } from '../domain/dispute/types.ts';
import { describeEvent, type Logger, silentLogger } from '../log/index.ts';
import type { Store } from '../store/open-store.ts';
import { findDispute, lockDispute, writeDecision } from '../store/operations/index.ts';
import type { LockedDispute } from '../store/operations/lock-dispute.ts';
import type { FiredTimerWrite } from '../store/operations/write-decision.ts';
import type { Database, Db, DisputeRow } from '../store/schema.ts';
import { type Clock, systemClock } from './clock.ts';
import type { ContextFor, DecideEnvironment } from './decide-environment.ts';
import { raisingOrganisationOf } from './decide-environment.ts';
import { createReplayer } from './replay.ts';

export type { ContextFor, ContextSubject, DecideEnvironment } from './decide-environment.ts';

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
  readonly locked?: LockedDispute | null;
}

/** What `prepareRow` needs of a dispute row the caller read. */
export type DisputeRowRead = Pick<
  DisputeRow,
  'id' | 'procedure_id' | 'procedure_version' | 'version' | 'state'
>;

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
  /** Step 1 from a dispute row the caller read itself. */
  prepareRow(row: DisputeRowRead, event?: DisputeEvent): Promise<Prepared>;
  /** Step 2: inside `trx`, lock, check `prepared` is current, decide and write. */
  applyPrepared(
    trx: Transaction<Database>,
    prepared: Prepared,
    event: DisputeEvent,
    options: ApplyOptions,
  ): Promise<ApplyResult | typeof STALE>;
  /**
   * Step 2 without a lock or a transaction: decides on `prepared.state` and writes in one statement
   * that holds only while the stored version is still `prepared.version` (and, with `fires`, while
   * that timer is pending: it is marked fired with the state). STALE when it did not hold (nothing
   * written). A refusal is decided on `prepared.state`, which may be stale: nothing is written for it.
   */
  applyUnlocked(
    prepared: Prepared,
    event: DisputeEvent,
    options: ApplyOptions,
    fires?: { readonly key: string; readonly at: Date; readonly schedulerId: string },
  ): Promise<ApplyResult | typeof STALE>;
  get(disputeId: string): Promise<DisputeState | null>;
  /**
   * Rebuilds a dispute's state by replaying its audit log through `decide` (each event at its `at`);
   * with `until`, only the events decided at or before it: the dispute as it was then (null if it had
   * not been raised).
   */
  replay(disputeId: string, until?: Date): Promise<DisputeState | null>;
  /** `replay` for many disputes, their logs read a chunk at a time (src/runtime/replay.ts): by id, those raised by then. */
  replayAll(disputeIds: readonly string[], until?: Date): Promise<Map<string, DisputeState>>;
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
    if (row) return prepareRow(row, opts.event);
    if (opts.procedureId === undefined) return { disputeId, version: null, environment: null, state: null };
    return prepareRaise(disputeId, opts.event, opts.procedureId);
  }

  /** A Prepared from a dispute row the caller read (the scheduler reads them with its claim). */
  async function prepareRow(row: DisputeRowRead, event?: DisputeEvent): Promise<Prepared> {
    const environment = await contextFor({
      disputeId: row.id,
      procedureId: row.procedure_id,
      procedureVersion: row.procedure_version,
      state: row.state,
      raisingOrganisationId: raisingOrganisationOf(row.state, event),
    });
    return { disputeId: row.id, version: row.version, environment, state: row.state };
  }

  /**
   * Decides `event` on `state` (the dispute at `version`, null: not raised) and, when accepted,
   * writes it with `writeDecision` on `db`. Returns null when the write found the version moved.
   */
  async function decideAndWrite(
    db: Db,
    prepared: Prepared,
    state: DisputeState | null,
    version: number | null,
    event: DisputeEvent,
    opts: ApplyOptions,
    fires?: Omit<FiredTimerWrite, 'outcome'>,
  ): Promise<ApplyResult | null> {
    const { disputeId } = prepared;
    if (prepared.environment === null) return { ok: false, refusal: NOT_RAISED };
    const now = clock.now();
    if (opts.expectedSeq !== undefined && state && state.seq !== opts.expectedSeq) {
      return { ok: false, refusal: CHANGED_MEANWHILE };
    }
    const decision = decide(state, event, { ...prepared.environment, now: now.toISOString() });
    if (!decision.ok) return decision;

    const next = decision.state;
    if (next.id !== disputeId) {
      throw new Error(`decide returned dispute ${next.id} for an event on ${disputeId}`);
    }
    const seq = (version ?? 0) + 1;
    // One statement: state, audit row, timers, record lines and outbox entries (issue 15).
    const written = await writeDecision(
      db,
      {
        state: next,
        version: seq,
        expectedVersion: version,
        at: now,
        available: wallClock.now(),
        source: opts.source,
        stageId: state?.stage.id ?? next.stage.id,
        event,
        effects: decision.effects,
      },
      fires && { ...fires, outcome: 'applied' },
    );
    if (!written) return null;
    return { ok: true, state: next, effects: decision.effects, seq };
  }

  async function applyPrepared(
    trx: Transaction<Database>,
    prepared: Prepared,
    event: DisputeEvent,
    opts: ApplyOptions,
  ): Promise<ApplyResult | typeof STALE> {
    const { disputeId } = prepared;
    // Written in the caller's transaction, which may yet roll back: nothing is kept for it.
    recent.delete(disputeId);
    // The caller may have locked the row already (the scheduler locks it before the timer).
    const locked =
      opts.locked !== undefined ? opts.locked : await lockDispute(trx, disputeId, prepared.version);
    // The environment depends only on what never changes after the raise (procedure version,
    // organisations, raiser), so it stays valid while the row exists; only a raise that raced
    // another raise of the same id must be prepared again.
    if ((locked === null) !== (prepared.version === null)) return STALE;
    if (prepared.environment === null) return { ok: false, refusal: NOT_RAISED };
    // Unchanged since `prepare` read it: the lock did not send the state again.
    const state =
      locked === null
        ? null
        : (locked.state ?? (locked.version === prepared.version ? prepared.state : null));
    if (locked !== null && state === null) throw new Error(`dispute ${disputeId}: locked without its state`);
    const result = await decideAndWrite(trx, prepared, state, locked?.version ?? null, event, opts);
    // Cannot happen under the row lock; thrown (not returned) so that the caller's transaction
    // rolls back.
    if (result === null) throw new ChangedUnderLock(disputeId);
    return result;
  }

  async function applyUnlocked(
    prepared: Prepared,
    event: DisputeEvent,
    opts: ApplyOptions,
    fires?: Omit<FiredTimerWrite, 'outcome'>,
  ): Promise<ApplyResult | typeof STALE> {
    recent.delete(prepared.disputeId);
    const result = await decideAndWrite(
      store.db,
      prepared,
      prepared.state,
      prepared.version,
      event,
      opts,
      fires,
    );
    if (result === null) return STALE;
    if (result.ok) committed(prepared.disputeId, event, result);
    return result;
  }

  function committed(disputeId: string, event: DisputeEvent, result: Extract<ApplyResult, { ok: true }>) {
    remember(disputeId, result.seq, result.state);
    log.debug({ disputeId, seq: result.seq, event: describeEvent(event) }, 'event applied');
    options.onCommitted?.(disputeId);
  }

  /**
   * The first attempt at an event, without a lock or a transaction: on the state this service kept
   * from its last write to the dispute, else (a raise) on no state at all, else on the state read
   * now; the one-statement write holds only while the stored version is still that one. Null when
   * it did not hold, or when a refusal was decided on a state that may be stale (the kept one, or a
   * raise of an id that may exist): the caller goes the locked way.
   */
  async function applyOptimistically(
    disputeId: string,
    event: DisputeEvent,
    opts: ApplyOptions,
  ): Promise<ApplyResult | null> {
    const kept = await preparedFromRecent(disputeId, event);
    const assumedNew =
      kept === null && event.type === 'raised' && opts.procedureId !== undefined
        ? await prepareRaise(disputeId, event, opts.procedureId)
        : null;
    const prepared = kept ?? assumedNew ?? (await prepare(disputeId, { ...opts, event }));
    let result: ApplyResult | null;
    try {
      result = await decideAndWrite(store.db, prepared, prepared.state, prepared.version, event, opts);
    } catch (error) {
      recent.delete(disputeId);
      // A raise of an id that exists (or raced another raise): decided again the locked way.
      if (isUniqueViolation(error) && prepared.version === null) return null;
      if (isTransient(error)) return null;
      throw error;
    }
    if (result === null || (!result.ok && (kept || assumedNew))) {
      recent.delete(disputeId);
      return null;
    }
    return result;
  }

  /** A raise prepared without reading: the id is assumed new (the insert fails if it is not). */
  async function prepareRaise(
    disputeId: string,
    event: DisputeEvent | undefined,
    procedureId: string,
  ): Promise<Prepared> {
    const environment = await contextFor({
      disputeId,
      procedureId,
      procedureVersion: null,
      state: null,
      raisingOrganisationId: raisingOrganisationOf(null, event),
    });
    return { disputeId, version: null, environment, state: null };
  }

  async function applyEvent(
    disputeId: string,
    event: DisputeEvent,
    opts: ApplyOptions,
  ): Promise<ApplyResult> {
    const first = await applyOptimistically(disputeId, event, opts);
    if (first) {
      if (first.ok) committed(disputeId, event, first);
      else
        log.info({ disputeId, event: describeEvent(event), refusal: first.refusal.reason }, 'event refused');
      return first;
    }
    for (let attempt = 0; attempt < MAX_STALE_RETRIES; attempt += 1) {
      const prepared = await prepare(disputeId, { ...opts, event });
      let result: ApplyResult | typeof STALE;
      try {
        result = await store.db.transaction().execute((trx) => applyPrepared(trx, prepared, event, opts));
      } catch (error) {
        recent.delete(disputeId);
        // Two raises of one id raced: the loser retries and is refused by decide ('already-raised').
        if (isUniqueViolation(error) && prepared.version === null) continue;
        // PostgreSQL chose this transaction as a deadlock victim (or a serialization failure): nothing was written.
        if (isTransient(error) || error instanceof ChangedUnderLock) continue;
        throw error;
      }
      if (result === STALE) continue;
      if (result.ok) committed(disputeId, event, result);
      else
        log.info({ disputeId, event: describeEvent(event), refusal: result.refusal.reason }, 'event refused');
      return result;
    }
    throw new Error(`dispute ${disputeId} kept changing; gave up after ${MAX_STALE_RETRIES} attempts`);
  }

  async function get(disputeId: string): Promise<DisputeState | null> {
    return (await findDispute(store.db, disputeId))?.state ?? null;
  }

  const replayer = createReplayer({ store, decide, contextFor });

  return {
    applyEvent,
    prepare,
    prepareRow,
    applyPrepared,
    applyUnlocked,
    get,
    replay: replayer.replay,
    replayAll: replayer.replayAll,
  };
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
