/**
 * The directory's Graph side and Teams app installation against the local Microsoft 365: managers the
 * file leaves to Entra come from `/users/{id}/manager` in `$batch` (404 = none), warming the resolver's
 * cache; the Teams app is installed for a user once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectoryService } from '../../src/directory/directory-service.ts';
import type { PersonRef } from '../../src/domain/dispute/types.ts';
import { createGraphBatch } from '../../src/graph/batch.ts';
import { createTeamsAppInstaller } from '../../src/graph/teams-app-installer.ts';
import { createGraphUsers } from '../../src/graph/users.ts';
import { type GraphHarness, SAMPLE_DIRECTORY, startGraphHarness } from '../graph/harness.ts';

let h: GraphHarness;
beforeAll(async () => {
  h = await startGraphHarness({
    teamsApps: [{ id: 'concord-app-id', externalId: 'concord-manifest-id', displayName: 'Concord' }],
  });
}, 30_000);
afterAll(async () => {
  await h?.close();
});

describe('managers from Graph', () => {
  it('warms the resolver so a line-manager chain crosses an Entra-only link', async () => {
    const batch = createGraphBatch({ api: h.graph.api, sleep: async () => {} });
    const service = await createDirectoryService({
      directory: SAMPLE_DIRECTORY,
      managers: createGraphUsers({ batch }),
    });
    const sm = service.person('ane-service-manager');
    if (!sm) throw new Error('no service manager');
    const ref: PersonRef = service.personRef(sm);
    const request = {
      party: {
        role: 'director',
        side: 'raising' as const,
        relation: 'line-manager' as const,
        substitutes: [],
      },
      dispute: { raisingOrganisationId: 'ane', counterpartOrganisationId: 'gateshead', raisedBy: ref },
      relativeTo: ref,
    };
    const calls = h.calls();
    await service.warmManagers();
    // 7 host-tenant people × 2 requests = 14 inner requests, in one or two $batch calls (≤ 4 per mailbox each).
    expect(batch.calls).toBeLessThanOrEqual(2);
    expect(h.calls() - calls).toBeLessThanOrEqual(3);
    expect(service.resolver.resolve(request)?.id).toBe('ane-director');
    const ff = service.person('ane-family-finder');
    expect(ff?.manager).toBeUndefined();
    expect(
      service.resolver.resolve({
        ...request,
        party: { ...request.party, role: 'team-manager' },
        relativeTo: service.personRef(ff as NonNullable<typeof ff>),
      })?.id,
    ).toBe('ane-team-manager');
    // Entra object ids learnt from Graph resolve people too.
    const users = (await h.graph.api.api('/users/director@ane.example').select('id').get()) as { id: string };
    expect(service.personByAadObjectId(users.id)?.id).toBe('ane-director');
  });
});

describe('Teams app installation', () => {
  it('installs once; a second call finds it installed', async () => {
    const installer = createTeamsAppInstaller({
      client: h.graph.api,
      teamsAppId: 'concord-app-id',
      graphBaseUrl: h.m365.graphBaseUrl,
    });
    expect(await installer.ensureInstalled('director@ane.example')).toBe('installed');
    expect(await installer.ensureInstalled('director@ane.example')).toBe('already-installed');
  });
});
