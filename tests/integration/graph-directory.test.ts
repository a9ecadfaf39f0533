/**
 * The directory's Graph side and Teams app installation against the local Microsoft 365: managers the
 * file leaves to Entra come from `/users/{id}/manager` in `$batch` (404 = none), warming the resolver's
 * cache; the Teams app is installed for a user once.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openByInstallingTheApp } from '../../src/app/conversation-openers.ts';
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
  const MANIFEST_ID = 'concord-manifest-id';
  const installer = () =>
    createTeamsAppInstaller({
      client: h.graph.api,
      manifestId: MANIFEST_ID,
      graphBaseUrl: h.m365.graphBaseUrl,
    });

  it('resolves the catalog id from the manifest id (they differ), installs once; a second call finds it', async () => {
    const catalogId = await installer().catalogId();
    expect(catalogId).toBe('concord-app-id');
    expect(catalogId).not.toBe(MANIFEST_ID);
    const first = await installer().ensureInstalled('director@ane.example');
    expect(first.outcome).toBe('installed');
    const again = await installer().ensureInstalled('director@ane.example');
    expect(again).toEqual({ outcome: 'already-installed', installationId: first.installationId });
  });

  it('a catalog that makes its own id: found by externalId, never by the manifest id', async () => {
    await h.admin('POST', '/teams-apps', { externalId: 'another-manifest-id', displayName: 'Another' });
    const other = createTeamsAppInstaller({
      client: h.graph.api,
      manifestId: 'another-manifest-id',
      graphBaseUrl: h.m365.graphBaseUrl,
    });
    const id = await other.catalogId();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(id).not.toBe('another-manifest-id');
    const missing = createTeamsAppInstaller({
      client: h.graph.api,
      manifestId: 'not-uploaded',
      graphBaseUrl: h.m365.graphBaseUrl,
    });
    await expect(missing.catalogId()).rejects.toThrow(/not in the tenant app catalog/);
  });

  it('installed by a setup policy and never opened: the chat is fetched and kept as the conversation', async () => {
    const person = 'service.manager@ane.example';
    // What a setup policy does: the app installed for the user, who has never opened it.
    await h.graph.api
      .api(`/users/${person}/teamwork/installedApps`)
      .post({ 'teamsApp@odata.bind': `${h.m365.graphBaseUrl}/appCatalogs/teamsApps/concord-app-id` });
    const saved: { personId: string; reference: Record<string, unknown> }[] = [];
    const refs = {
      async save(entry: { personId: string; reference: Record<string, unknown> }) {
        saved.push(entry);
      },
      async get() {
        return null;
      },
    };
    const opener = openByInstallingTheApp(installer(), { id: 'bot-app-id', tenantId: h.m365.tenantId })({
      refs,
    });
    const opened = await opener.open({
      id: 'ane-service-manager',
      name: 'Service Manager, ANE',
      email: person,
      organisationId: 'ane',
    } as PersonRef);
    expect(opened).toEqual({ ok: true });
    const reference = saved[0]?.reference as {
      conversation: { id: string; tenantId: string };
      bot: { id: string };
    };
    expect(saved[0]?.personId).toBe('ane-service-manager');
    expect(reference.conversation.id).toMatch(/^19:.+@unq\.gbl\.spaces$/);
    expect(reference.conversation.tenantId).toBe(h.m365.tenantId);
    expect(reference.bot.id).toBe('28:bot-app-id');
    // The same chat Graph gives for the installation.
    const installation = await installer().ensureInstalled(person);
    expect(installation.outcome).toBe('already-installed');
    expect(await installer().chatOf(person, installation.installationId)).toBe(reference.conversation.id);
  });
});

describe('a manager whose mail is not their UPN', () => {
  it('is matched by object id or UPN, so the line-manager chain still holds', async () => {
    const sample = JSON.parse(readFileSync(SAMPLE_DIRECTORY, 'utf8')) as {
      people: { id: string; entra?: Record<string, string> }[];
    };
    const hos = sample.people.find((p) => p.id === 'ane-assistant-director');
    if (!hos) throw new Error('sample has no ane-assistant-director');
    // A rebrand made another address primary: Entra's `mail` is no longer the UPN in the file.
    hos.entra = { ...(hos.entra ?? {}), mail: 'hos@ane-council.example' };
    const own = await startGraphHarness({ directory: sample as never });
    try {
      const seen = (await own.graph.api.api('/users/service.manager@ane.example/manager').get()) as {
        mail: string;
        userPrincipalName: string;
      };
      expect(seen.mail).toBe('hos@ane-council.example');
      expect(seen.userPrincipalName).toBe('head.of.service@ane.example');
      const warnings: string[] = [];
      const service = await createDirectoryService({
        directory: sample as never,
        log: { warn: (_o, msg) => warnings.push(String(msg)), info: () => {} },
        managers: createGraphUsers({
          batch: createGraphBatch({ api: own.graph.api, sleep: async () => {} }),
        }),
      });
      await service.warmManagers();
      const sm = service.person('ane-service-manager');
      if (!sm) throw new Error('no service manager');
      const ref = service.personRef(sm);
      expect(
        service.resolver.resolve({
          party: { role: 'assistant-director', side: 'raising', relation: 'line-manager', substitutes: [] },
          dispute: { raisingOrganisationId: 'ane', counterpartOrganisationId: 'gateshead', raisedBy: ref },
          relativeTo: ref,
        })?.id,
      ).toBe('ane-assistant-director');
      // Matched in the file, not left as a manager Concord does not know (where the chain stops).
      expect(warnings).toEqual([]);
    } finally {
      await own.close();
    }
  });
});
