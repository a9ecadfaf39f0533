import { afterEach, describe, expect, it } from 'vitest';
import { botRoute, createBotAdapter } from '../../src/bot/adapter.ts';
import { type ConcordServer, createServer } from '../../src/server/server.ts';

const ACTIVITY = {
  type: 'message',
  id: 'a-1',
  text: 'help',
  channelId: 'msteams',
  serviceUrl: 'http://127.0.0.1:9/',
  from: { id: 'user-id-0' },
  recipient: { id: 'bot' },
  conversation: { id: 'c-1', conversationType: 'personal' },
};

let server: ConcordServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(bot: Parameters<typeof createBotAdapter>[0]['bot'], turns: string[]) {
  const adapter = createBotAdapter({ bot });
  server = createServer({
    routes: [
      botRoute({
        bot: adapter,
        logic: async (context) => {
          turns.push(context.activity.type);
        },
      }),
    ],
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${port}/api/messages`;
}

describe('POST /api/messages', () => {
  it('rejects a request without a valid token when BOT_ID is set (401), and never runs the turn', async () => {
    const turns: string[] = [];
    const url = await start(
      { id: '11111111-2222-3333-4444-555555555555', password: 'secret', tenantId: null, type: null },
      turns,
    );
    const noAuth = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ACTIVITY),
    });
    expect(noAuth.status).toBe(401);
    const forged = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-real-token' },
      body: JSON.stringify(ACTIVITY),
    });
    expect(forged.status).toBe(401);
    expect(turns).toEqual([]);
  });

  it('accepts an unauthenticated request in local mode (no BOT_ID)', async () => {
    const turns: string[] = [];
    const url = await start(null, turns);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ACTIVITY),
    });
    expect(res.status).toBe(200);
    expect(turns).toEqual(['message']);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const url = await start(null, []);
    const res = await fetch(url, { method: 'POST', body: 'not json' });
    expect(res.status).toBe(400);
  });
});

describe('onTurnError', () => {
  it('tells the person something went wrong and logs no case content', async () => {
    const { createServer: createHttpServer } = await import('node:http');
    const { Writable } = await import('node:stream');
    const { createLogger } = await import('../../src/log/index.ts');
    const posted: string[] = [];
    const connector = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        posted.push(body);
        res.setHeader('content-type', 'application/json');
        res.end('{"id":"x"}');
      });
    });
    await new Promise<void>((r) => connector.listen(0, '127.0.0.1', r));
    const lines: string[] = [];
    const log = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    const adapter = createBotAdapter({ bot: null, log });
    server = createServer({
      routes: [
        botRoute({
          bot: adapter,
          logic: async () => {
            throw new Error('case ANE-SECRET-42: the child Jane Smith is at risk');
          },
        }),
      ],
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const address = connector.address() as { port: number };
    await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...ACTIVITY, serviceUrl: `http://127.0.0.1:${address.port}/` }),
    });
    await new Promise((r) => connector.close(r));
    expect(posted.join()).toMatch(/something went wrong/);
    const logged = lines.join('\n');
    expect(logged).toContain('bot turn failed');
    expect(logged).not.toMatch(/ANE-SECRET-42|Jane Smith/);
  });
});
