/**
 * `GET /healthz`: the process is up. `GET /readyz`: the store answers and every migration is
 * applied (200), otherwise 503 with the reason.
 *
 * With `mailboxes`, `/readyz` also says which watched mailboxes Concord cannot subscribe to or catch
 * up, and why (`mailboxes.problems`). Readiness stays 200 while some fail: a load balancer takes an
 * unready instance out of service, and one mailbox outside the RBAC scope must not take the bot and the
 * webhooks away from every other mailbox (the failing ones are retried with backoff and logged). Alert
 * on `mailboxes.failing > 0` instead.
 */
import { migrationStatus } from '../store/migrate.ts';
import type { Store } from '../store/open-store.ts';
import type { Route } from './server.ts';

/** A mailbox Concord cannot currently serve (src/graph/mailbox-health.ts gives these). */
export interface MailboxProblemDetail {
  readonly mailbox: string;
  readonly task: string;
  readonly kind: string;
  readonly status: number | null;
  readonly code: string | null;
  readonly attempts: number;
  readonly since: string;
  readonly nextAttemptAt: string;
  readonly parked: boolean;
}

export function healthRoutes(options: {
  readonly store: Store;
  readonly mailboxes?: () => readonly MailboxProblemDetail[];
}): Route[] {
  const mailboxDetail = () => {
    if (!options.mailboxes) return {};
    const problems = options.mailboxes().map((p) => ({
      mailbox: p.mailbox,
      task: p.task,
      kind: p.kind,
      status: p.status,
      code: p.code,
      attempts: p.attempts,
      since: p.since,
      nextAttemptAt: p.nextAttemptAt,
      parked: p.parked,
    }));
    return { mailboxes: { failing: new Set(problems.map((p) => p.mailbox)).size, problems } };
  };
  return [
    { method: 'GET', path: '/healthz', handler: () => ({ status: 200, json: { status: 'ok' } }) },
    {
      method: 'GET',
      path: '/readyz',
      handler: async () => {
        try {
          const status = await migrationStatus(options.store);
          if (status.pending.length > 0) {
            return {
              status: 503,
              json: { status: 'not-ready', reason: 'migrations pending', pending: status.pending },
            };
          }
          return {
            status: 200,
            json: {
              status: 'ready',
              engine: options.store.engine,
              migrations: status.applied,
              ...mailboxDetail(),
            },
          };
        } catch (error) {
          return {
            status: 503,
            json: {
              status: 'not-ready',
              reason: `store unreachable: ${error instanceof Error ? error.message : String(error)}`,
            },
          };
        }
      },
    },
  ];
}
