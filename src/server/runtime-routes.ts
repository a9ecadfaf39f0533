/**
 * The HTTP routes over the durable runtime: `/healthz`, `/readyz`, and with the test clock
 * `/dev/clock`. The server layer depends on the runtime, never the other way round.
 *
 * @example
 * const server = createServer({ routes: [...runtimeRoutes(runtime), ...botRoutes], log });
 */
import type { Runtime } from '../runtime/runtime.ts';
import { devClockRoutes } from './dev-clock-routes.ts';
import { healthRoutes, type MailboxProblemDetail } from './health-routes.ts';
import type { Route } from './server.ts';

export function runtimeRoutes(
  runtime: Pick<Runtime, 'store' | 'driver'>,
  detail: { readonly mailboxes?: () => readonly MailboxProblemDetail[] } = {},
): Route[] {
  return [
    ...healthRoutes({ store: runtime.store, ...detail }),
    ...(runtime.driver ? devClockRoutes({ driver: runtime.driver }) : []),
  ];
}
