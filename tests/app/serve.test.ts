/**
 * The server entry (src/app/main.ts, which `npm run serve` runs compiled; tests/app/serve-production.test.ts
 * runs that build) in cloud mode against the local Microsoft 365 standing in for Microsoft's cloud:
 * only GRAPH_BASE_URL and AUTHORITY_HOST point elsewhere. It starts, reports ready, and rejects an
 * unauthenticated Bot Framework request. The Disputes tab's link back to the bot's chat is Teams'
 * deep link with the bot's app id.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_CLIENT, startEmulator, tabSignInOf, trustEmulatorCa } from '@concord/m365-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedApp, startServed } from '../support/served-app.ts';
import { freePort } from '../support/wait.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('npm run serve (cloud mode)', () => {
  let m365: Awaited<ReturnType<typeof startEmulator>>;
  let served: ServedApp | undefined;
  let PORT = 0;
  let untrust: () => void = () => {};
  const dir = mkdtempSync(path.join(tmpdir(), 'concord-serve-'));

  beforeAll(async () => {
    PORT = await freePort();
    m365 = await startEmulator({
      directory: path.join(ROOT, 'directory/sample-ane.json'),
      certDir: path.join(dir, 'tls'),
    });
    untrust = trustEmulatorCa(m365.caPem);
    served = await startServed({
      m365,
      cwd: ROOT,
      args: ['--import', 'tsx', 'src/app/main.ts'],
      port: PORT,
      dataDir: path.join(dir, 'data'),
    });
  }, 90_000);

  afterAll(async () => {
    await served?.stop();
    await m365?.close();
    untrust();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is healthy and ready, subscribed to the watched inboxes through Graph', async () => {
    expect((await fetch(`http://127.0.0.1:${PORT}/healthz`)).status).toBe(200);
    const subs = JSON.stringify(await fetch(`${m365.adminUrl}/subscriptions`).then((r) => r.json()));
    // Mailbox-wide, so a reply filed in Junk or moved by a rule is still seen.
    expect(subs).toMatch(/"resource":"\/users\/[^"/]+\/messages"/);
    expect(subs).not.toContain("mailFolders('inbox')");
    expect(subs).toContain(`http://localhost:${PORT}/api/graph/notifications`);
  });

  it('rejects a Bot Framework request without a valid token', async () => {
    const res = await fetch(`http://127.0.0.1:${PORT}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        text: 'help',
        channelId: 'msteams',
        serviceUrl: 'https://example.invalid',
      }),
    });
    expect(res.status).toBe(401);
  });

  it('answers malformed, forged and oversized requests with short 4xx bodies, and logs the refusals', async () => {
    const base = `http://127.0.0.1:${PORT}`;
    const post = async (target: string, body: string, authorization?: string) => {
      const res = await fetch(`${base}${target}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body,
      });
      return [res.status, await res.text()] as const;
    };
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const forged = `Bearer ${b64({ alg: 'RS256', kid: 'k', typ: 'JWT' })}.${b64({ iss: 'https://api.botframework.com' })}.c2ln`;
    const activity = JSON.stringify({
      type: 'message',
      text: 'help',
      channelId: 'msteams',
      serviceUrl: 'https://example.invalid',
    });
    expect(await post('/api/messages', activity, forged)).toEqual([401, '{"error":"unauthorized"}']);
    expect(await post('/api/messages', '{"text":"no type"}')).toEqual([
      400,
      '{"error":"the body must be a Bot Framework activity"}',
    ]);
    const huge = JSON.stringify({ type: 'message', text: 'x'.repeat(2 * 1024 * 1024) });
    for (const target of ['/api/messages', '/api/graph/notifications'])
      expect(await post(target, huge)).toEqual([413, '{"error":"request body too large"}']);
    expect((await post('/api/graph/lifecycle?validationToken=', ''))[0]).toBe(400);
    expect(served?.output()).toMatch(/bot request refused/);
  });

  it("the Disputes tab links back to the bot's chat in Teams: a deep link with the bot's app id", async () => {
    const client = m365.clients[0] ?? DEFAULT_CLIENT;
    const signIn = tabSignInOf(m365);
    // A Teams SSO token for the tab (audience: the app's id, as webApplicationInfo.id says).
    const token = await signIn('team.manager@ane.example', client.clientId);
    const res = await fetch(`http://127.0.0.1:${PORT}/tab/api/disputes`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const { botChatUrl } = (await res.json()) as { botChatUrl: string };
    // Teams' deep link to a chat with a bot: users=28:<the bot's Microsoft App ID> (BOT_ID).
    const link = new URL(botChatUrl);
    expect(`${link.origin}${link.pathname}`).toBe('https://teams.microsoft.com/l/chat/0/0');
    expect(link.searchParams.get('users')).toBe(`28:${client.clientId}`);
    // Without a token the tab's API answers nothing.
    expect((await fetch(`http://127.0.0.1:${PORT}/tab/api/disputes`)).status).toBe(401);
  });

  it('does not offer the test clock', async () => {
    expect((await fetch(`http://127.0.0.1:${PORT}/dev/clock`)).status).toBe(404);
  });

  it('logs no case content', () => {
    expect(served?.output()).not.toMatch(/Practitioner, Adopt North East/);
  });
});
