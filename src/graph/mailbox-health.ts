/**
 * Per-mailbox failure isolation: one mailbox Concord cannot reach never stops the others, nor the
 * start. Every Graph job that loops over mailboxes (subscribing, renewing, the delta catch-up) runs
 * each mailbox alone; a failure is recorded here, logged once per attempt, retried with the
 * project's backoff (src/runtime/backoff.ts), and shown in `/readyz` detail until it succeeds.
 *
 * What a real council tenant answers, and what it means:
 *
 * | answer                                         | kind                  | treated as                      |
 * |------------------------------------------------|-----------------------|---------------------------------|
 * | 403 `ErrorAccessDenied` (or ExtensionError 403) | `access-denied`       | retry-later for `rbacGraceMs`   |
 * | 404 `MailboxNotEnabledForRESTAPI` / `…Supported…` | `mailbox-not-enabled` | unlicensed, inactive or on-premises |
 * | other 404                                      | `mailbox-not-found`   | the address is not the UPN/id   |
 * | 410 `SyncStateNotFound`                        | `delta-expired`       | the delta link is dropped       |
 * | anything else                                  | `transient`           | network, throttling, 5xx        |
 *
 * Exchange RBAC for Applications changes take a while to apply (Microsoft: role assignments are
 * cached, up to about two hours), so a fresh 403 is never parked at once: it keeps its backoff retries
 * for `rbacGraceMs` (default 2 h) whatever the attempt count. After `policy.maxAttempts` (and, for a
 * 403, the grace), a mailbox is *parked*: still retried, but only every `parkedRetryMs` (default 6 h).
 */
import type { Logger } from '../log/index.ts';
import { type RetryPolicy, retryDelayMs } from '../runtime/backoff.ts';
import { classifyGraphError } from './errors.ts';

/** What was being done for the mailbox: its inbox subscription, its events subscription, or delta. */
export type MailboxTask = 'inbox' | 'events' | 'delta';

export type MailboxProblemKind =
  | 'access-denied'
  | 'mailbox-not-enabled'
  | 'mailbox-not-found'
  | 'delta-expired'
  | 'transient';

export interface MailboxProblem {
  readonly mailbox: string;
  readonly task: MailboxTask;
  readonly kind: MailboxProblemKind;
  readonly status: number | null;
  readonly code: string | null;
  /** Graph's message, trimmed (it names the mailbox, never case content). */
  readonly message: string;
  readonly attempts: number;
  /** When this run of failures began. */
  readonly since: string;
  readonly nextAttemptAt: string;
  readonly parked: boolean;
}

/** Mailbox retries: from 30 s up to 15 min between attempts; parked after 8 (see `rbacGraceMs`). */
export const MAILBOX_RETRY_POLICY: RetryPolicy = { baseMs: 30_000, maxMs: 15 * 60_000, maxAttempts: 8 };

export interface MailboxHealthOptions {
  readonly now: () => Date;
  readonly log: Logger;
  readonly policy?: RetryPolicy;
  readonly random?: () => number;
  /** How long a 403 stays retry-later before it may be parked. Default 2 h. */
  readonly rbacGraceMs?: number;
  /** How often a parked mailbox is tried again. Default 6 h. */
  readonly parkedRetryMs?: number;
}

export interface MailboxHealth {
  /** Records a failure (logged), and when to try again. */
  failed(mailbox: string, task: MailboxTask, error: unknown): MailboxProblem;
  /** Clears a mailbox's task after it worked (logged when it had been failing). */
  succeeded(mailbox: string, task: MailboxTask): void;
  /** Problems whose next attempt is due. */
  due(): MailboxProblem[];
  list(): MailboxProblem[];
}

const NOT_ENABLED = /MailboxNotEnabledForRESTAPI|MailboxNotSupportedForRESTAPI/i;

export function problemKindOf(error: unknown): {
  kind: MailboxProblemKind;
  status: number | null;
  code: string | null;
  message: string;
  retryAfterMs?: number;
} {
  const failure = classifyGraphError(error);
  const { status, code, message } = failure;
  const base = {
    status,
    code,
    message,
    ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
  };
  if (status === 403) return { kind: 'access-denied', ...base };
  if (status === 404 && (NOT_ENABLED.test(code ?? '') || NOT_ENABLED.test(message)))
    return { kind: 'mailbox-not-enabled', ...base };
  if (status === 404) return { kind: 'mailbox-not-found', ...base };
  if (status === 410 || /SyncStateNotFound|SyncStateInvalid/i.test(code ?? ''))
    return { kind: 'delta-expired', ...base };
  return { kind: 'transient', ...base };
}

const HINTS: Record<MailboxProblemKind, string> = {
  'access-denied': 'outside the Exchange RBAC for Applications scope (or the assignment has not applied yet)',
  'mailbox-not-enabled': 'no Exchange Online mailbox (unlicensed, inactive, or on-premises)',
  'mailbox-not-found': 'Graph does not know this address: use the user principal name or object id',
  'delta-expired': 'the delta token expired; resyncing',
  transient: 'a transient failure',
};

export function createMailboxHealth(options: MailboxHealthOptions): MailboxHealth {
  const log = options.log.child({ component: 'mailbox-health' });
  const policy = options.policy ?? MAILBOX_RETRY_POLICY;
  const random = options.random ?? Math.random;
  const grace = options.rbacGraceMs ?? 2 * 60 * 60_000;
  const parkedRetry = options.parkedRetryMs ?? 6 * 60 * 60_000;
  const problems = new Map<string, MailboxProblem>();
  const keyOf = (mailbox: string, task: MailboxTask) => `${task}|${mailbox.toLowerCase()}`;

  return {
    failed(mailbox, task, error) {
      const key = keyOf(mailbox, task);
      const previous = problems.get(key);
      const now = options.now();
      const what = problemKindOf(error);
      const attempts = (previous?.attempts ?? 0) + 1;
      const since = previous?.since ?? now.toISOString();
      const withinGrace = what.kind === 'access-denied' && now.getTime() - Date.parse(since) < grace;
      const parked = attempts >= policy.maxAttempts && !withinGrace;
      const delay = parked
        ? parkedRetry
        : retryDelayMs({
            attempt: attempts,
            policy,
            random,
            ...(what.retryAfterMs !== undefined ? { retryAfterMs: what.retryAfterMs } : {}),
          });
      const problem: MailboxProblem = {
        mailbox: mailbox.toLowerCase(),
        task,
        kind: what.kind,
        status: what.status,
        code: what.code,
        message: what.message.slice(0, 300),
        attempts,
        since,
        nextAttemptAt: new Date(now.getTime() + delay).toISOString(),
        parked,
      };
      problems.set(key, problem);
      log.warn(
        {
          mailbox: problem.mailbox,
          task,
          kind: problem.kind,
          status: problem.status,
          code: problem.code,
          attempt: attempts,
          nextAttemptAt: problem.nextAttemptAt,
          parked,
        },
        `mailbox ${problem.mailbox} failed (${task}): ${HINTS[problem.kind]}; the other mailboxes carry on`,
      );
      return problem;
    },
    succeeded(mailbox, task) {
      const key = keyOf(mailbox, task);
      const previous = problems.get(key);
      if (!previous) return;
      problems.delete(key);
      log.info({ mailbox: previous.mailbox, task, attempts: previous.attempts }, 'mailbox recovered');
    },
    due() {
      const now = options.now().getTime();
      return [...problems.values()].filter((p) => Date.parse(p.nextAttemptAt) <= now);
    },
    list: () => [...problems.values()],
  };
}
