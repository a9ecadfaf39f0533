/**
 * Realism switches: Exchange's per-mailbox concurrency limit (4 requests in flight; the fifth gets
 * 429 `ApplicationThrottled` with Retry-After), injected 429/503/504 answers at configured rates or
 * on demand, requests that time out (carried out, but the answer never comes: the connection is held,
 * then dropped), expired access tokens (401 `InvalidAuthenticationToken`), added latency, dropped
 * change notifications, and per-mailbox faults: a mailbox outside
 * the app's Exchange RBAC for Applications scope (403 `ErrorAccessDenied`) or one with no Exchange
 * Online mailbox (404 `MailboxNotEnabledForRESTAPI`: unlicensed, inactive, or on-premises hybrid),
 * and a mailbox whose owner has no Teams (`no-teams`: its calendar allows no online meeting provider,
 * so an event asked to be a Teams meeting is created, 201, without a join link).
 */
import { GraphError } from './graph-error.ts';

/**
 * `access-denied` and `not-enabled`: what a mailbox answers on every mailbox-scoped route.
 * `no-teams`: the mailbox works, but its calendar's `allowedOnlineMeetingProviders` is `["unknown"]`
 * (no Teams licence or Teams disabled), so events it organises get no Teams link.
 */
export type MailboxFault = 'access-denied' | 'not-enabled' | 'no-teams';

export const MAILBOX_FAULTS: readonly MailboxFault[] = ['access-denied', 'not-enabled', 'no-teams'];

/** The faults that refuse requests (the others change what a working mailbox answers). */
export type RefusingMailboxFault = Exclude<MailboxFault, 'no-teams'>;

export interface FaultConfig {
  /** Probability (0–1) that a Graph request is answered 429. Likewise 503 and 504. */
  readonly rate429: number;
  readonly rate503: number;
  readonly rate504: number;
  /**
   * Probability (0–1) that a Graph request is carried out but its answer never arrives: the
   * connection is held for `timeoutMs`, then closed without a response, as when a gateway or the
   * network times out. The client cannot tell whether it happened (a retry must be idempotent).
   */
  readonly rateTimeout: number;
  /** How long a timed-out request holds its connection before it is dropped (ms). */
  readonly timeoutMs: number;
  /**
   * Probability (0–1) that a Graph request is refused as if its access token had expired: 401
   * `InvalidAuthenticationToken`, "Lifetime validation failed, the token is expired.", with
   * `WWW-Authenticate`, before anything is done. A token refused once stays refused, as a real
   * expired token does: the client has to get a new one (retrying with a cached token fails again).
   */
  readonly rateExpiredToken: number;
  /** Added latency per Graph request: a fixed number of ms or a [min, max] range. */
  readonly latencyMs: number | readonly [number, number];
  /** Probability (0–1) that a change notification is silently dropped. */
  readonly dropNotificationRate: number;
  /** The Retry-After (seconds) sent with 429 and 503. */
  readonly retryAfterSeconds: number;
  /** Concurrent requests allowed per mailbox (Exchange: 4). */
  readonly mailboxConcurrency: number;
  /**
   * `send` is asynchronous in Exchange (202 Accepted; the item reaches Sent Items, and the
   * recipients, a moment later). For this many ms after `send` the item is still a draft in Drafts;
   * 0 moves and delivers at once. The default, 250 ms, is strict: Microsoft documents the 202 but no
   * time, Exchange Online's submission usually takes a fraction of a second to a few seconds, and a
   * quarter of a second is longer than a local look-up takes, so a client that reads its item right
   * after `send` (or retries) meets the draft, as it can in Microsoft's service.
   */
  readonly sendDelayMs: number;
  /** Seed for a repeatable fault sequence; unset means Math.random. */
  readonly seed?: number;
  /** Per-mailbox faults by address (or object id), e.g. `{"duty@ane.example": "access-denied"}`. */
  readonly mailboxes: Readonly<Record<string, MailboxFault>>;
}

export const DEFAULT_FAULTS: FaultConfig = {
  rate429: 0,
  rate503: 0,
  rate504: 0,
  rateTimeout: 0,
  timeoutMs: 5_000,
  rateExpiredToken: 0,
  latencyMs: 0,
  dropNotificationRate: 0,
  retryAfterSeconds: 1,
  mailboxConcurrency: 4,
  sendDelayMs: 250,
  mailboxes: {},
};

/**
 * Microsoft's answers, as Graph sends them. ErrorAccessDenied: the RBAC for Applications scope does
 * not include the mailbox (or the app has no grant). MailboxNotEnabledForRESTAPI: Microsoft's KB 4462988
 * and the message Graph gives for an inactive, soft-deleted or on-premises mailbox.
 */
export function mailboxFaultError(fault: RefusingMailboxFault): GraphError {
  return fault === 'access-denied'
    ? new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.')
    : new GraphError(
        404,
        'MailboxNotEnabledForRESTAPI',
        'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
      );
}

const FAULT_KEYS = new Set<string>([...Object.keys(DEFAULT_FAULTS), 'seed']);

/**
 * Parses fault JSON (`--faults`, `EMULATOR_FAULTS`): unknown keys and bad mailbox faults are refused
 * with a TypeError that says what is wrong.
 * @example parseFaultsJson('{"mailboxes":{"duty@ane.example":"not-enabled"}}')
 */
export function parseFaultsJson(text: string): Partial<FaultConfig> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`faults are not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TypeError('faults must be a JSON object, e.g. {"mailboxes":{"a@b.example":"access-denied"}}');
  for (const key of Object.keys(value))
    if (!FAULT_KEYS.has(key))
      throw new TypeError(`unknown fault "${key}" (known: ${[...FAULT_KEYS].join(', ')})`);
  const faults = value as Partial<FaultConfig>;
  return {
    ...faults,
    ...(faults.mailboxes !== undefined ? { mailboxes: checkMailboxFaults(faults.mailboxes) } : {}),
  };
}

/** Checks a `mailboxes` fault map; throws naming the bad entry. */
export function checkMailboxFaults(value: unknown): Record<string, MailboxFault> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TypeError(
      `faults.mailboxes must be an object of address → ${MAILBOX_FAULTS.map((f) => `"${f}"`).join(' | ')}`,
    );
  const out: Record<string, MailboxFault> = {};
  for (const [address, fault] of Object.entries(value)) {
    if (!MAILBOX_FAULTS.includes(fault as MailboxFault))
      throw new TypeError(
        `faults.mailboxes["${address}"]: ${JSON.stringify(fault)} is not one of ${MAILBOX_FAULTS.map((f) => `"${f}"`).join(', ')}`,
      );
    out[address.toLowerCase()] = fault as MailboxFault;
  }
  return out;
}

export interface OneOffFault {
  status: 429 | 500 | 503 | 504;
  /** How many matching requests fail (default 1). */
  count?: number;
  /** Only requests whose path contains this text (case-insensitive). */
  pathContains?: string;
  method?: string;
  /**
   * The request is carried out and then the answer is lost: the client gets the fault status (a
   * gateway timing out after the mailbox acted). A retry then meets what the first request did.
   */
  afterApplying?: boolean;
}

export interface InjectedFault {
  status: number;
  code: string;
  message: string;
  retryAfter?: number;
  /** See `OneOffFault.afterApplying`. */
  afterApplying?: boolean;
}

export interface FaultStats {
  throttled: number;
  injected: number;
  droppedNotifications: number;
  timedOut: number;
  expiredTokens: number;
}

export interface FaultController {
  config(): FaultConfig;
  update(patch: Partial<FaultConfig>): FaultConfig;
  failNext(fault: OneOffFault): void;
  /** Drops the next `count` change notifications. */
  dropNextNotifications(count: number): void;
  /** A fault for this request, if one is due. */
  pick(method: string, path: string): InjectedFault | undefined;
  /**
   * Whether this request is refused as if its token had expired: a token refused before (by
   * `rateExpiredToken` or `expireTokens`), or one picked now at `rateExpiredToken`. `tokenId` is the
   * token's `uti` claim.
   */
  expiredToken(tokenId: string): boolean;
  /**
   * Every token Graph has been sent so far is refused from now on, as when the tokens a client
   * caches are past their lifetime (or revoked) while the client still holds them.
   */
  expireTokens(): number;
  /** How long to hold this request's connection before dropping it unanswered, if it times out. */
  timeout(): number | undefined;
  latency(): number;
  /** Takes a concurrency slot for a mailbox; undefined (throttle) when all are taken. Call the result to release. */
  acquire(mailboxId: string): (() => void) | undefined;
  shouldDropNotification(): boolean;
  /** The refusing fault configured for a mailbox (by its address or object id), if any. */
  mailboxFault(mailbox: { readonly id: string; readonly email: string }): RefusingMailboxFault | undefined;
  /** False for a mailbox configured `no-teams`: its events get no Teams link. */
  teamsEnabled(mailbox: { readonly id: string; readonly email: string }): boolean;
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
  let config: FaultConfig = {
    ...DEFAULT_FAULTS,
    ...initial,
    mailboxes: checkMailboxFaults(initial.mailboxes),
  };
  let random = config.seed === undefined ? Math.random : mulberry32(config.seed);
  const oneOffs: (OneOffFault & { remaining: number })[] = [];
  let dropNext = 0;
  const inFlight = new Map<string, number>();
  const seenTokens = new Set<string>();
  const expiredTokens = new Set<string>();
  const stats: FaultStats = {
    throttled: 0,
    injected: 0,
    droppedNotifications: 0,
    timedOut: 0,
    expiredTokens: 0,
  };
  const configured = (mailbox: { readonly id: string; readonly email: string }) =>
    config.mailboxes[mailbox.email.toLowerCase()] ?? config.mailboxes[mailbox.id.toLowerCase()];

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
      config = {
        ...config,
        ...patch,
        ...(patch.mailboxes !== undefined ? { mailboxes: checkMailboxFaults(patch.mailboxes) } : {}),
      };
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
        return { ...fault(oneOff.status), ...(oneOff.afterApplying ? { afterApplying: true } : {}) };
      }
      const roll = random();
      if (roll < config.rate429) return fault(429);
      if (roll < config.rate429 + config.rate503) return fault(503);
      if (roll < config.rate429 + config.rate503 + config.rate504) return fault(504);
      return undefined;
    },
    expiredToken(tokenId) {
      const expired =
        expiredTokens.has(tokenId) || (config.rateExpiredToken > 0 && random() < config.rateExpiredToken);
      if (!expired) {
        seenTokens.add(tokenId);
        return false;
      }
      expiredTokens.add(tokenId);
      seenTokens.delete(tokenId);
      stats.expiredTokens++;
      return true;
    },
    expireTokens() {
      const count = seenTokens.size;
      for (const id of seenTokens) expiredTokens.add(id);
      seenTokens.clear();
      return count;
    },
    timeout() {
      if (config.rateTimeout <= 0 || random() >= config.rateTimeout) return undefined;
      stats.timedOut++;
      return config.timeoutMs;
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
    mailboxFault(mailbox) {
      const fault = configured(mailbox);
      return fault === 'no-teams' ? undefined : fault;
    },
    teamsEnabled(mailbox) {
      return configured(mailbox) !== 'no-teams';
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
