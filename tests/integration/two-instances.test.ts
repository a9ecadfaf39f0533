/**
 * Two Concord instances on one PostgreSQL, behind one PUBLIC_URL (a round-robin balancer), against
 * one local Microsoft 365. They start at the same moment; each mailbox still gets exactly one
 * subscription of each kind, and every change notification is handled once, by whichever instance
 * the balancer gave it to, even when the other instance made the subscription. A renewal run by
 * both at once leaves one subscription per mailbox too.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/index.ts';
import { type GraphHarness, startGraphHarness } from '../graph/harness.ts';
import { dropSchema, freshSchemaName, POSTGRES } from '../store/engines.ts';
import { type ConcordApp, startConcordApp } from '../support/concord-app.ts';
import { freePort } from '../support/wait.ts';

const DATABASE_URL = process.env.DATABASE_URL?.trim() ?? '';

interface AdminSubscription {
  id: string;
  resource: string;
}

function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, log: createLogger({ level: 'info', destination }) };
}

/**
 * Forwards each request to the next of `ports` in turn, as a load balancer would; an instance that
 * is not listening yet (still starting) is skipped, as a balancer's health check would skip it.
 */
function balancer(ports: () => readonly number[]) {
  let next = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const list = ports();
    const first = next++;
    const attempt = (n: number) => {
      const port = list[(first + n) % list.length] as number;
      const upstream = request(
        { host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => (n + 1 < list.length ? attempt(n + 1) : res.writeHead(502).end()));
      upstream.end(body);
    };
    attempt(0);
  });
  return { server };
}

describe.runIf(POSTGRES)('two instances on one PostgreSQL', () => {
  let h: GraphHarness;
  let lb: ReturnType<typeof balancer>;
  const apps: ConcordApp[] = [];
  const logs = [capturedLog(), capturedLog()];
  const schema = freshSchemaName();

  const subscriptionsAtGraph = async () =>
    (await h.admin<{ value: AdminSubscription[] }>('GET', '/subscriptions')).value;
  /** `mailbox|kind` of a subscription's resource. */
  const slotOf = (s: AdminSubscription) => {
    const key = decodeURIComponent(/users\/([^/]+)/i.exec(s.resource)?.[1] ?? '');
    const mailbox = h.m365.state.find(key)?.email ?? key;
    return `${mailbox}|${/\/events$/i.test(s.resource) ? 'events' : 'inbox'}`;
  };
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await h.m365.notifier.idle();
      for (const app of apps) await app.app.inbound.queue.idle();
    }
  };
  const linesSaying = (text: string) =>
    logs.map((l) => l.lines.filter((line) => String(line.msg).includes(text)));

  beforeAll(async () => {
    h = await startGraphHarness();
    const ports = [await freePort(), await freePort()];
    lb = balancer(() => ports);
    await new Promise<void>((resolve) => lb.server.listen(0, '127.0.0.1', resolve));
    const publicUrl = `http://localhost:${(lb.server.address() as AddressInfo).port}`;
    const storeTarget = { engine: 'postgres' as const, url: DATABASE_URL, schema };
    // The schema exists before the instances start, as in a deployment (two racing
    // \`create schema if not exists\` can collide in PostgreSQL's catalogue).
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    // Both start at once: both find no subscription, both try to make them.
    const started = await Promise.all(
      logs.map((l, i) =>
        startConcordApp({
          harness: h,
          storeTarget,
          publicUrl,
          log: l.log,
          port: ports[i] as number,
        }),
      ),
    );
    apps.push(...started);
  }, 240_000);

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => {});
    await new Promise<void>((resolve) => lb?.server.close(() => resolve()));
    await h?.close();
    if (DATABASE_URL) await dropSchema(DATABASE_URL, schema);
  });

  it('makes one subscription per mailbox and kind, not one per instance', async () => {
    const slots = (await subscriptionsAtGraph()).map(slotOf);
    expect(slots.length).toBeGreaterThan(0);
    expect(new Set(slots).size).toBe(slots.length);
    // The store and each instance agree with Graph.
    const atGraph = new Set((await subscriptionsAtGraph()).map((s) => s.id));
    for (const app of apps) {
      await app.app.inbound.renewDue();
      expect(new Set(app.app.inbound.problems().map((p) => p.mailbox))).toEqual(new Set());
    }
    expect(new Set((await subscriptionsAtGraph()).map((s) => s.id))).toEqual(atGraph);
  });

  it('handles every notification once, whichever instance made the subscription', async () => {
    const watched = [
      'team.manager@ane.example',
      'service.manager@ane.example',
      'head.of.service@ane.example',
    ];
    const subjects: string[] = [];
    for (let i = 0; i < 9; i++) {
      const subject = `Rota ${i}`;
      subjects.push(subject);
      await h.admin('POST', '/mailboxes/social.worker@gateshead.example/send', {
        to: watched[i % watched.length],
        subject,
        body: 'Nothing to do with a dispute.',
      });
    }
    await settle();
    const messageIdsOf = (mailboxes: string[]) =>
      mailboxes.flatMap((address) =>
        [...(h.m365.state.find(address)?.messages.values() ?? [])]
          .filter((m) => m.folder === 'inbox' && subjects.includes(String(m.data.subject)))
          .map((m) => String(m.data.id)),
      );
    const sent = messageIdsOf(watched);
    expect(sent).toHaveLength(9);
    const handled = linesSaying('message matches no dispute').map((lines) =>
      lines.map((l) => String(l.messageId)).filter((id) => sent.includes(id)),
    );
    // Each message once, across both instances; and both instances took some.
    expect([...(handled[0] ?? []), ...(handled[1] ?? [])].sort()).toEqual([...sent].sort());
    expect(handled[0]?.length).toBeGreaterThan(0);
    expect(handled[1]?.length).toBeGreaterThan(0);
    expect(linesSaying('unknown subscription').flat()).toEqual([]);
  });

  it('a subscription removed at Graph is made again by one instance, and both know it', async () => {
    const before = await subscriptionsAtGraph();
    const target = before.find((s) => slotOf(s) === 'team.manager@ane.example|inbox') as AdminSubscription;
    // Graph tells one instance (the balancer picks which); the other learns of it from the store.
    await h.admin('POST', `/subscriptions/${target.id}/lifecycle`, { event: 'subscriptionRemoved' });
    await settle();
    for (const app of apps) await app.app.inbound.renewDue();
    const after = (await subscriptionsAtGraph()).map(slotOf);
    expect(after.filter((s) => s === 'team.manager@ane.example|inbox')).toHaveLength(1);
    expect(new Set(after).size).toBe(after.length);
    await h.admin('POST', '/mailboxes/social.worker@gateshead.example/send', {
      to: 'team.manager@ane.example',
      subject: 'After the new subscription',
      body: 'x',
    });
    await settle();
    expect(linesSaying('unknown subscription').flat()).toEqual([]);
  });
});
