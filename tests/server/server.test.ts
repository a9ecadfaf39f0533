import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthRoutes } from '../../src/server/health-routes.ts';
import { type ConcordServer, createServer, HttpError } from '../../src/server/server.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import type { Store } from '../../src/store/open-store.ts';
import { ENGINES } from '../store/engines.ts';

async function listen(server: ConcordServer): Promise<string> {
  return `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
}

describe('createServer', () => {
  let server: ConcordServer;
  let base: string;
  beforeAll(async () => {
    server = createServer({
      routes: [
        {
          method: 'POST',
          path: '/echo',
          handler: async (req) => ({ status: 200, json: { got: await req.json() } }),
        },
        {
          method: 'POST',
          path: '/validate',
          // A handler that writes the raw response itself (as the Bot Framework adapter does).
          handler: (_req, res) => {
            res.writeHead(200, { 'content-type': 'text/plain' });
            res.end('token-123');
            return undefined;
          },
        },
        {
          method: 'GET',
          path: '/teapot',
          handler: () => {
            throw new HttpError(418, 'short and stout');
          },
        },
        {
          method: 'GET',
          path: '/boom',
          handler: () => {
            throw new Error('secret case text');
          },
        },
      ],
    });
    server.route({ method: 'GET', path: '/late', handler: () => ({ status: 202, text: 'accepted' }) });
    base = await listen(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('routes by method and exact path, with JSON and text bodies', async () => {
    const echo = await fetch(`${base}/echo`, { method: 'POST', body: '{"a":1}' });
    expect(echo.status).toBe(200);
    expect(await echo.json()).toEqual({ got: { a: 1 } });
    const late = await fetch(`${base}/late`);
    expect([late.status, await late.text(), late.headers.get('content-type')]).toEqual([
      202,
      'accepted',
      'text/plain; charset=utf-8',
    ]);
    expect(await (await fetch(`${base}/validate`, { method: 'POST' })).text()).toBe('token-123');
  });

  it('answers 404, 405 with Allow, 400 for bad JSON, typed errors, and 500 without leaking the message', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const wrong = await fetch(`${base}/echo`);
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'POST']);
    expect((await fetch(`${base}/echo`, { method: 'POST', body: 'not json' })).status).toBe(400);
    const teapot = await fetch(`${base}/teapot`);
    expect([teapot.status, await teapot.json()]).toEqual([418, { error: 'short and stout' }]);
    const boom = await fetch(`${base}/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain('secret');
  });

  it('answers 400 to a request target that is not a URL (no hang, no unhandled rejection), and keeps serving', async () => {
    const { port } = new URL(base);
    const statusLine = (target: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () =>
          socket.write(`GET ${target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`),
        );
        let data = '';
        socket.on('data', (chunk) => (data += chunk));
        socket.on('close', () => resolve(data.split('\r\n')[0] ?? ''));
        socket.on('error', reject);
        socket.setTimeout(3000, () => {
          socket.destroy();
          resolve('timed out');
        });
      });
    for (const target of ['http://[bad/late', 'http://:99999/late']) {
      expect([target, await statusLine(target)]).toEqual([target, 'HTTP/1.1 400 Bad Request']);
    }
    expect((await fetch(`${base}/late`)).status).toBe(202);
  });

  it('refuses to register a route twice', () => {
    expect(() => server.route({ method: 'GET', path: '/late', handler: () => undefined })).toThrow(
      /already registered/,
    );
  });
});

for (const engine of ENGINES) {
  describe(`health routes on ${engine.name}`, () => {
    let store: Store;
    let server: ConcordServer;
    let base: string;
    beforeAll(async () => {
      store = await engine.open({ migrate: false });
      server = createServer({ routes: healthRoutes({ store }) });
      base = await listen(server);
    });
    afterAll(async () => {
      await server?.close();
      await store?.close();
    });

    it('/healthz is up; /readyz is 503 until migrations are applied, then 200', async () => {
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
      const before = await fetch(`${base}/readyz`);
      expect(before.status).toBe(503);
      expect(await before.json()).toMatchObject({ status: 'not-ready', reason: 'migrations pending' });
      await migrateToLatest(store);
      const after = await fetch(`${base}/readyz`);
      expect(after.status).toBe(200);
      expect(await after.json()).toMatchObject({
        status: 'ready',
        engine: engine.name,
        migrations: Object.keys(MIGRATIONS),
      });
    });

    it('/readyz is 503 when the store is unreachable', async () => {
      await store.close();
      const response = await fetch(`${base}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'not-ready' });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    });
  });
}
