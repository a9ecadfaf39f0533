/**
 * Retry delays: exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff
 * And Jitter"), never shorter than a Retry-After the failed call reported.
 *
 * @example
 * retryDelayMs({ attempt: 3, policy: DEFAULT_RETRY_POLICY, random: Math.random }); // 0 … 8 s
 * retryDelayMs({ attempt: 1, policy, retryAfterMs: 30_000, random }); // ≥ 30 s
 */
export interface RetryPolicy {
  /** The cap of the first retry's delay; each attempt doubles it. */
  readonly baseMs: number;
  /** No delay is longer than this (except a longer Retry-After, which is honoured). */
  readonly maxMs: number;
  /** After this many failed attempts an effect is parked. */
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 2_000, maxMs: 15 * 60_000, maxAttempts: 8 };

export function retryDelayMs(options: {
  /** The attempt that just failed, 1-based. */
  readonly attempt: number;
  readonly policy: RetryPolicy;
  readonly retryAfterMs?: number;
  readonly random: () => number;
}): number {
  const { attempt, policy, retryAfterMs, random } = options;
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : 0);
}
