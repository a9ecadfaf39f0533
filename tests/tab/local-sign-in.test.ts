/**
 * Issue 13: the tab's "sign in as" (a token from the local Microsoft 365 for any directory person)
 * exists in local mode only: refused with BOT_ID and in production, and absent from the routes then.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { bundledCalendar } from '../../src/domain/calendar/index.ts';
import { loadProcedures } from '../../src/procedures/index.ts';
import { openStore } from '../../src/store/open-store.ts';
import { localSignInAllowed, tabRoutes } from '../../src/tab/routes.ts';
import { createSsoVerifier } from '../../src/tab/sso.ts';

const BOT = {
  BOT_ID: '6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
  BOT_PASSWORD: 'x',
  BOT_TENANT_ID: '0a7e5000-0000-4000-8000-000000000001',
};

describe('local sign-in for the tab', () => {
  it('is allowed in local mode and refused with BOT_ID or in production', () => {
    expect(localSignInAllowed(loadConfig({}))).toBe(true);
    expect(localSignInAllowed(loadConfig({ NODE_ENV: 'test' }))).toBe(true);
    expect(localSignInAllowed(loadConfig(BOT))).toBe(false);
    expect(
      localSignInAllowed(loadConfig({ ...BOT, NODE_ENV: 'production', DATABASE_URL: 'postgres://h/db' })),
    ).toBe(false);
    // Even a hand-built config that claims local mode in production is refused.
    expect(localSignInAllowed({ mode: 'local', bot: null, nodeEnv: 'production' })).toBe(false);
  });

  it('without it, the tab has no sign-in routes at all', async () => {
    const store = await openStore({ engine: 'pglite', dataDir: null });
    try {
      const routes = tabRoutes({
        store,
        directory: {
          directory: { people: [] },
          person: () => undefined,
          personByEmail: () => undefined,
          personByAadObjectId: () => undefined,
          isHostTenant: () => false,
          personRef: () => {
            throw new Error('not used');
          },
          organisation: () => undefined,
          calendar: () => bundledCalendar('england-and-wales'),
        },
        procedures: loadProcedures(),
        now: () => new Date(),
        sso: createSsoVerifier({
          authorityHost: 'https://login.microsoftonline.com',
          tenantId: BOT.BOT_TENANT_ID,
          audiences: [BOT.BOT_ID],
        }),
        applyEvent: async () => ({ ok: true }),
        botChatUrl: () => 'https://teams.microsoft.com/l/chat/0/0?users=28:x',
      });
      const paths = routes.map((r) => r.path);
      expect(paths).toContain('/tab/api/disputes');
      expect(paths.filter((p) => p.startsWith('/tab/local'))).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
