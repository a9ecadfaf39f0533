/**
 * The test clock's endpoints, mounted only with `CLOCK=test` (CONTRACT.md):
 * - `GET /dev/clock` → `{"now": ISO}`
 * - `POST /dev/clock {"advanceTo": ISO}` → moves forward (400 if backwards or not an instant),
 *   runs every timer and outbox job that became due, in due order, and answers
 *   `{"now": ISO, "fired": [{key, kind, disputeId, stageId, at, dueAt, outcome}]}`.
 */
import { ClockError } from '../runtime/clock.ts';
import type { ClockDriver } from '../runtime/clock-driver.ts';
import { HttpError, type Route } from './server.ts';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

export function devClockRoutes(options: { readonly driver: ClockDriver }): Route[] {
  const { driver } = options;
  return [
    {
      method: 'GET',
      path: '/dev/clock',
      handler: () => ({ status: 200, json: { now: driver.clock.now().toISOString() } }),
    },
    {
      method: 'POST',
      path: '/dev/clock',
      handler: async (request) => {
        const body = await request.json();
        const advanceTo =
          typeof body === 'object' && body !== null ? (body as { advanceTo?: unknown }).advanceTo : undefined;
        if (
          typeof advanceTo !== 'string' ||
          !INSTANT.test(advanceTo) ||
          Number.isNaN(Date.parse(advanceTo))
        ) {
          throw new HttpError(
            400,
            'advanceTo must be an ISO 8601 instant with a zone, e.g. "2026-12-01T09:00:00Z"',
          );
        }
        try {
          const result = await driver.advanceTo(new Date(advanceTo));
          return { status: 200, json: result };
        } catch (error) {
          if (error instanceof ClockError) throw new HttpError(400, error.message);
          throw error;
        }
      },
    },
  ];
}
