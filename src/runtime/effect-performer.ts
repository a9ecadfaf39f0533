/**
 * The port the outbox worker performs effects through. The Graph and Teams adapters implement it;
 * tests use a fake sink. Owned here, by the code that calls it.
 *
 * Idempotency contract: `key` is stable for an effect forever. The worker may call `perform`
 * more than once with the same key (a crash between performing and recording it done, or a lease
 * that ran out), so the performer must make a repeat a no-op: Graph events carry it as
 * `transactionId`, drafts are tagged with it and looked up before creating another.
 */
import type { DisputeEvent, Effect } from '../domain/dispute/types.ts';

/** The effects that touch the outside world; timers and records are written by `applyEvent` itself. */
export type OutboxEffect = Exclude<Effect, { type: 'set-timer' | 'cancel-timer' | 'record' }>;

export interface PerformMeta {
  readonly key: string;
  readonly disputeId: string;
  /** 1 for the first try. */
  readonly attempt: number;
}

export type PerformResult =
  | {
      readonly ok: true;
      /** Kept on the outbox row (ids Graph returned, for example). No case content. */
      readonly result?: unknown;
      /** Fed back through `applyEvent` in the transaction that marks the effect done. */
      readonly events?: readonly DisputeEvent[];
    }
  | {
      readonly ok: false;
      /** False for a failure that will not heal (403, 400): park at once. */
      readonly retryable: boolean;
      /** The service's Retry-After, when it gave one. */
      readonly retryAfterMs?: number;
      readonly error: string;
      /** For the owner's notice if the effect is parked: what happened and what to do, in plain words. */
      readonly notice?: string;
    };

export interface EffectPerformer {
  perform(effect: OutboxEffect, meta: PerformMeta): Promise<PerformResult>;
}

/** The one effect the Teams bot performs: a card to a person. */
export type SendCardEffect = Extract<OutboxEffect, { type: 'send-card' }>;

/**
 * Performs `send-card` effects (the Teams bot's card sender implements it; the Graph performer
 * hands every card to it). Same contract as `EffectPerformer`: idempotent by the effect's key.
 */
export interface CardSender {
  perform(effect: SendCardEffect, meta?: PerformMeta): Promise<PerformResult>;
}
