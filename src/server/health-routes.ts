/**
 * `GET /healthz`: the process is up. `GET /readyz`: the store answers and every migration is
 * applied (200), otherwise 503 with the reason.
 */
import { migrationStatus } from '../store/migrate.ts';
import type { Store } from '../store/open-store.ts';
import type { Route } from './server.ts';

export function healthRoutes(options: { readonly store: Store }): Route[] {
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
            json: { status: 'ready', engine: options.store.engine, migrations: status.applied },
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
