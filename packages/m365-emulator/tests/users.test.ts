import { ConfidentialClientApplication, ProtocolMode } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphError, type Harness, msalFor, people, startHarness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('tokens (msal-node against the emulator issuer)', () => {
  it('msal-node gets a client-credentials token with OIDC discovery over HTTPS', async () => {
    const result = await h.cca.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    });
    expect(result?.accessToken.split('.')).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(result?.accessToken.split('.')[1] ?? '', 'base64url').toString());
    expect(claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      tid: h.m365.tenantId,
      appid: h.m365.clients[0]?.clientId,
    });
    expect(claims.roles).toContain('Mail.Send');
  });

  it('rejects a wrong client secret', async () => {
    const client = h.m365.clients[0];
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: client?.clientId ?? '',
        clientSecret: 'wrong',
        authority: `${h.m365.authorityHost}/${h.m365.tenantId}`,
        knownAuthorities: [h.m365.knownAuthority],
      },
      system: { protocolMode: ProtocolMode.OIDC },
    });
    await expect(
      cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }),
    ).rejects.toThrow(/invalid_client|7000215/);
  });

  it('accepts the host tenant by domain as well as by id', async () => {
    const cca = msalFor(h.m365, 'ane.example');
    const result = await cca.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    });
    expect(result?.accessToken).toBeTruthy();
  });
});

describe('Graph authentication', () => {
  it('401 InvalidAuthenticationToken for a missing, expired, wrong-audience or forged token', async () => {
    const expired = await h.admin<{ access_token: string }>('POST', '/tokens', { expiresInSeconds: -120 });
    const wrongAudience = await h.admin<{ access_token: string }>('POST', '/tokens', {
      audience: 'api://someone-else',
    });
    for (const token of ['', expired.body.access_token, wrongAudience.body.access_token, 'a.b.c']) {
      const error = await graphError(h.graphWithToken(token).api('/users').get());
      expect(error.statusCode).toBe(401);
      expect(error.code).toBe('InvalidAuthenticationToken');
    }
    const expiredError = await graphError(h.graphWithToken(expired.body.access_token).api('/users').get());
    expect(expiredError.message).toMatch(/expired/);
  });
});

describe('users', () => {
  it('lists the host tenant users only, with $select', async () => {
    const res = await h.graph.api('/users').select('id,displayName,mail').top(100).get();
    const mails = res.value.map((u: { mail: string }) => u.mail);
    expect(mails).toContain(people.practitioner);
    expect(mails).toContain('disputes@ane.example');
    expect(mails).not.toContain(people.gatesheadTeamManager);
    expect(Object.keys(res.value[0]).sort()).toEqual(['displayName', 'id', 'mail']);
  });

  it('gets a user by userPrincipalName and by id, with default properties', async () => {
    const byUpn = await h.graph.api(`/users/${people.teamManager}`).get();
    expect(byUpn).toMatchObject({
      displayName: 'Team Manager, Adopt North East',
      jobTitle: 'Team Manager',
      mail: people.teamManager,
      userPrincipalName: people.teamManager,
      businessPhones: [],
    });
    const byId = await h.graph.api(`/users/${byUpn.id}`).select('companyName').get();
    expect(byId).toEqual(expect.objectContaining({ id: byUpn.id, companyName: 'Adopt North East' }));
  });

  it('filters users', async () => {
    const res = await h.graph.api('/users').filter(`mail eq '${people.director}'`).get();
    expect(res.value).toHaveLength(1);
  });

  it('GET /manager returns the file manager, and the Entra-only manager', async () => {
    const tm = await h.graph.api(`/users/${people.practitioner}/manager`).get();
    expect(tm).toMatchObject({ '@odata.type': '#microsoft.graph.user', mail: people.teamManager });
    const sm = await h.graph.api(`/users/${people.serviceManager}/manager`).get();
    expect(sm.mail).toBe(people.headOfService);
  });

  it('GET /manager is 404 Request_ResourceNotFound when there is none', async () => {
    const error = await graphError(h.graph.api(`/users/${people.director}/manager`).get());
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('Request_ResourceNotFound');
  });

  it('$expand=manager($levels=max) returns the whole chain', async () => {
    const res = await h.graph
      .api(`/users/${people.practitioner}`)
      .header('ConsistencyLevel', 'eventual')
      .query({ $expand: 'manager($levels=max;$select=id,displayName,mail)', $count: 'true' })
      .get();
    const chain: string[] = [];
    let m = res.manager;
    while (m) {
      chain.push(m.mail);
      m = m.manager;
    }
    expect(chain).toEqual([people.teamManager, people.serviceManager, people.headOfService, people.director]);
  });

  it('404 for an unknown user and for a user in another tenant', async () => {
    for (const u of ['nobody@ane.example', people.gatesheadTeamManager]) {
      const error = await graphError(h.graph.api(`/users/${u}`).get());
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('Request_ResourceNotFound');
    }
  });

  it('400 for /me with an app-only token', async () => {
    const error = await graphError(h.graph.api('/me').get());
    expect(error.statusCode).toBe(400);
  });
});
