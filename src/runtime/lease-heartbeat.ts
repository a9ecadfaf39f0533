/**
 * Keeps the outbox leases a worker holds alive while it performs them. Leases are short (15 s by
 * default), so the rows of a worker that crashed are claimed again within seconds; a live worker
 * renews its leases every third of that, so a long effect (a slow Graph call) is never taken over
 * and performed twice while its worker is still on it.
 *
 * The timer runs only while something is held, and does not keep the process alive.
 *
 * @example
 * const heartbeat = createLeaseHeartbeat({ intervalMs: 5_000, renew: (keys) => renewOutboxLeases(db, …) });
 * heartbeat.hold(['d-1:welcome']); … heartbeat.release('d-1:welcome');
 */
import type { Logger } from '../log/index.ts';

export interface LeaseHeartbeat {
  hold(keys: readonly string[]): void;
  release(key: string): void;
  /** How many keys are held right now. */
  held(): number;
  /** The keys held right now: this process is performing them. */
  heldKeys(): readonly string[];
}

export function createLeaseHeartbeat(options: {
  readonly intervalMs: number;
  /** Renews the leases on `keys`; resolves with the keys still held. */
  readonly renew: (keys: readonly string[]) => Promise<readonly string[]>;
  readonly log: Logger;
}): LeaseHeartbeat {
  const keys = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let beating = false;

  async function beat(): Promise<void> {
    if (beating || keys.size === 0) return;
    beating = true;
    const wanted = [...keys];
    try {
      const renewed = new Set(await options.renew(wanted));
      // Completed meanwhile, or taken over after a stall; completion reports a real loss.
      const gone = wanted.filter((key) => keys.has(key) && !renewed.has(key));
      if (gone.length > 0) options.log.debug({ keys: gone }, 'lease not renewed');
    } catch (error) {
      // The next beat tries again; the lease still has two beats' worth of time left.
      options.log.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'lease renewal failed',
      );
    } finally {
      beating = false;
    }
  }

  function sync(): void {
    if (keys.size > 0 && timer === null) {
      timer = setInterval(() => void beat(), options.intervalMs);
      timer.unref();
    } else if (keys.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  }

  return {
    hold(list) {
      for (const key of list) keys.add(key);
      sync();
    },
    release(key) {
      keys.delete(key);
      sync();
    },
    held: () => keys.size,
    heldKeys: () => [...keys],
  };
}
