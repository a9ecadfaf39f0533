/**
 * A fake outside world for the outbox: it records every `perform` call and, like Graph with a
 * `transactionId` or a tagged draft, turns a repeat of a key into a no-op. So `performs` counts
 * attempts (at least once) and `delivered` counts effects that happened (exactly once).
 */
import type { DisputeEvent } from '../../src/domain/dispute/types.ts';
import type {
  EffectPerformer,
  OutboxEffect,
  PerformMeta,
  PerformResult,
} from '../../src/runtime/effect-performer.ts';

export interface FakeSink extends EffectPerformer {
  /** perform calls per key. */
  readonly performs: Map<string, number>;
  /** Effects that actually happened, in order; each key at most once. */
  readonly delivered: string[];
  /** Decides, per call, to fail instead of delivering. */
  failWith?: (effect: OutboxEffect, meta: PerformMeta) => PerformResult | null;
}

export function createFakeSink(): FakeSink {
  const performs = new Map<string, number>();
  const delivered: string[] = [];
  const sink: FakeSink = {
    performs,
    delivered,
    async perform(effect, meta) {
      performs.set(meta.key, (performs.get(meta.key) ?? 0) + 1);
      const failure = sink.failWith?.(effect, meta);
      if (failure) return failure;
      if (!delivered.includes(meta.key)) delivered.push(meta.key);
      return { ok: true, result: { id: `sent:${meta.key}` }, events: feedback(effect) };
    },
  };
  return sink;
}

/** The event the Graph adapter would report back for an email: the message ids. */
export function feedback(effect: OutboxEffect): DisputeEvent[] {
  if (effect.type !== 'send-email' || effect.kind === 'notice') return [];
  return [
    {
      type: 'message-sent',
      effectKey: effect.key,
      kind: effect.kind,
      internetMessageId: `<${effect.key}@mail.example>`,
    },
  ];
}
