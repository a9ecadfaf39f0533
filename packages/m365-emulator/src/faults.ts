/**
 * Realism switches: Exchange's per-mailbox concurrency limit (4 requests in flight; the fifth gets
 * 429 `ApplicationThrottled` with Retry-After), injected 429/503/504 answers at configured rates or
 * on demand, added latency, and dropped change notifications.
 */

export interface FaultConfig {
  /** Probability (0–1) that a Graph request is answered 429. Likewise 503 and 504. */
  readonly rate429: number;
  readonly rate503: number;
  readonly rate504: number;
  /** Added latency per Graph request: a fixed number of ms or a [min, max] range. */
  readonly latencyMs: number | readonly [number, number];
  /** Probability (0–1) that a change notification is silently dropped. */
  readonly dropNotificationRate: number;
  /** The Retry-After (seconds) sent with 429 and 503. */
  readonly retryAfterSeconds: number;
  /** Concurrent requests allowed per mailbox (Exchange: 4). */
  readonly mailboxConcurrency: number;
  /** Seed for a repeatable fault sequence; unset means Math.random. */
  readonly seed?: number;
}

export const DEFAULT_FAULTS: FaultConfig = {
  rate429: 0,
  rate503: 0,
  rate504: 0,
  latencyMs: 0,
  dropNotificationRate: 0,
  retryAfterSeconds: 1,
  mailboxConcurrency: 4,
};

export interface OneOffFault {
  status: 429 | 500 | 503 | 504;
  /** How many matching requests fail (default 1). */
  count?: number;
  /** Only requests whose path contains this text (case-insensitive). */
  pathContains?: string;
  method?: string;
}

export interface InjectedFault {
  status: number;
  code: string;
  message: string;
  retryAfter?: number;
}

export interface FaultStats {
  throttled: number;
  injected: number;
  droppedNotifications: number;
}

export interface FaultController {
  config(): FaultConfig;
  update(patch: Partial<FaultConfig>): FaultConfig;
  failNext(fault: OneOffFault): void;
  /** Drops the next `count` change notifications. */
  dropNextNotifications(count: number): void;
  /** A fault for this request, if one is due. */
  pick(method: string, path: string): InjectedFault | undefined;
  latency(): number;
  /** Takes a concurrency slot for a mailbox; undefined (throttle) when all are taken. Call the result to release. */
  acquire(mailboxId: string): (() => void) | undefined;
  shouldDropNotification(): boolean;
  readonly stats: FaultStats;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MESSAGES: Record<number, { code: string; message: string }> = {
  429: { code: 'TooManyRequests', message: 'Too many requests. Please try again later.' },
  500: { code: 'InternalServerError', message: 'An internal server error occurred.' },
  503: { code: 'serviceNotAvailable', message: 'Service unavailable. Please try again later.' },
  504: { code: 'UnknownError', message: 'Gateway timeout.' },
};

export function createFaultController(initial: Partial<FaultConfig> = {}): FaultController {
  let config: FaultConfig = { ...DEFAULT_FAULTS, ...initial };
  let random = config.seed === undefined ? Math.random : mulberry32(config.seed);
  const oneOffs: (OneOffFault & { remaining: number })[] = [];
  let dropNext = 0;
  const inFlight = new Map<string, number>();
  const stats: FaultStats = { throttled: 0, injected: 0, droppedNotifications: 0 };

  const fault = (status: number): InjectedFault => {
    stats.injected++;
    const text = MESSAGES[status] ?? { code: 'UnknownError', message: 'Injected fault.' };
    return {
      status,
      ...text,
      ...(status === 429 || status === 503 ? { retryAfter: config.retryAfterSeconds } : {}),
    };
  };

  return {
    stats,
    config: () => config,
    update(patch) {
      config = { ...config, ...patch };
      if (patch.seed !== undefined) random = mulberry32(patch.seed);
      return config;
    },
    failNext(f) {
      oneOffs.push({ ...f, remaining: f.count ?? 1 });
    },
    dropNextNotifications(count) {
      dropNext += count;
    },
    pick(method, path) {
      const index = oneOffs.findIndex(
        (f) =>
          (!f.method || f.method.toUpperCase() === method) &&
          (!f.pathContains || path.toLowerCase().includes(f.pathContains.toLowerCase())),
      );
      const oneOff = oneOffs[index];
      if (oneOff) {
        oneOff.remaining--;
        if (oneOff.remaining <= 0) oneOffs.splice(index, 1);
        return fault(oneOff.status);
      }
      const roll = random();
      if (roll < config.rate429) return fault(429);
      if (roll < config.rate429 + config.rate503) return fault(503);
      if (roll < config.rate429 + config.rate503 + config.rate504) return fault(504);
      return undefined;
    },
    latency() {
      const l = config.latencyMs;
      if (typeof l === 'number') return l;
      return Math.round(l[0] + random() * (l[1] - l[0]));
    },
    acquire(mailboxId) {
      const current = inFlight.get(mailboxId) ?? 0;
      if (current >= config.mailboxConcurrency) {
        stats.throttled++;
        return undefined;
      }
      inFlight.set(mailboxId, current + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const n = (inFlight.get(mailboxId) ?? 1) - 1;
        if (n <= 0) inFlight.delete(mailboxId);
        else inFlight.set(mailboxId, n);
      };
    },
    shouldDropNotification() {
      if (dropNext > 0) {
        dropNext--;
        stats.droppedNotifications++;
        return true;
      }
      if (random() < config.dropNotificationRate) {
        stats.droppedNotifications++;
        return true;
      }
      return false;
    },
  };
}
