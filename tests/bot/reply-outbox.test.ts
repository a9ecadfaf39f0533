/**
 * Local mode: a serviceUrl that refuses connections does not hold the turn. The reply is stored in
 * the outbox (`bot_replies`), the turn is answered at once, and the outbox delivers the reply once
 * the serviceUrl answers, on every store engine.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createReplyOutboxStore } from '../../src/app/reply-outbox.ts';
import { type BotReplyJob, botRoute, createBotAdapter, deliverReply } from '../../src/bot/adapter.ts';
import { createWorkQueue, type WorkQueue } from '../../src/graph/work-queue.ts';
import { silentLogger } from '../../src/log/index.ts';
import { type ConcordServer, createServer as createConcordServer } from '../../src/server/server.ts';
import { createStoreNotificationQueue } from '../../src/store/adapters/notification-queue.ts';
import type { Store } from '../../src/store/open-store.ts';
import { countGraphNotifications } from '../../src/store/operations/index.ts';
import { ENGINES } from '../store/engines.ts';
import { eventually, freePort } from '../support/wait.ts';

for (const engine of ENGINES) {
  describe(`local-mode replies through the outbox (${engine.name})`, () => {
    let store: Store | undefined;
    let queue: WorkQueue<BotReplyJob> | undefined;
    let server: ConcordServer | undefined;
    let connector: Server | undefined;
    afterEach(async () => {
      await queue?.close();
      await server?.close();
      await new Promise((resolve) => (connector ? connector.close(resolve) : resolve(undefined)));
      await store?.close();
      [store, queue, server, connector] = [undefined, undefined, undefined, undefined];
    });

    it('answers the turn at once when the serviceUrl refuses, and delivers the reply once it answers', async () => {
      store = await engine.open();
      const replies = createWorkQueue<BotReplyJob>({
        store: createStoreNotificationQueue<BotReplyJob>(store, 'bot_replies'),
        handle: (job) => deliverReply(bot, job),
        keyOf: (job) => job.id,
        concurrency: 1,
        retryDelayMs: 100,
        pollMs: 50,
        log: silentLogger(),
      });
      queue = replies;
      const bot = createBotAdapter({ bot: null, replies });
      server = createConcordServer({
        routes: [
          botRoute({
            bot,
            logic: async (context) => {
              await context.sendActivity('Here is what I can do.');
              await context.sendActivity('Type "help" at any time.');
            },
          }),
        ],
      });
      const { port } = await server.listen(0, '127.0.0.1');
      const channelPort = await freePort();
      const activity = {
        type: 'message',
        id: 'a-1',
        text: 'help',
        channelId: 'msteams',
        // Nothing listens here yet: connections are refused.
        serviceUrl: `http://127.0.0.1:${channelPort}/`,
        from: { id: 'user-1' },
        recipient: { id: 'bot' },
        conversation: { id: 'c-1', conversationType: 'personal' },
      };
      const started = performance.now();
      const answer = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
      const ms = performance.now() - started;
      expect(answer.status).toBe(200);
      // It took about 10.6 s before the outbox (5 s of retries per send, then the error message).
      expect(ms).toBeLessThan(2_000);
      expect(await countGraphNotifications(store.db, { table: 'bot_replies' })).toBe(2);

      // The outbox tries (and fails) while the channel is down, then the channel comes back.
      replies.start();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const received: string[] = [];
      connector = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => {
          body += chunk;
        });
        req.on('end', () => {
          if (req.method === 'POST' && req.url?.startsWith('/v3/conversations/c-1/activities'))
            received.push((JSON.parse(body) as { text: string }).text);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'x' }));
        });
      });
      await new Promise<void>((resolve) => connector?.listen(channelPort, '127.0.0.1', resolve));
      await eventually(
        'the outbox to deliver both replies',
        async () => ((await replies.depth()) === 0 ? true : undefined),
        { timeoutMs: 60_000 },
      );
      expect(received).toEqual(['Here is what I can do.', 'Type "help" at any time.']);
    }, 90_000);

    it('keeps a reply in memory while it is delivered, and writes it to the store only once its delivery failed', async () => {
      const opened = await engine.open();
      store = opened;
      const stored = () => countGraphNotifications(opened.db, { table: 'bot_replies' });
      const delivered: string[] = [];
      let down = true;
      const replies = createWorkQueue<string>({
        store: createReplyOutboxStore(createStoreNotificationQueue<string>(opened, 'bot_replies'), {
          capacity: 100,
        }),
        handle: async (job) => {
          if (down) throw new Error('connection refused');
          delivered.push(job);
        },
        keyOf: (job) => job,
        concurrency: 1,
        // The retry comes 300 ms later, after the test has put the channel back.
        retryDelayMs: 300,
        random: () => 1,
        pollMs: 50,
        log: silentLogger(),
      });
      queue = replies as unknown as WorkQueue<BotReplyJob>;
      replies.start();
      // At start the store may hold an earlier process's replies; once it is found empty, memory.
      await new Promise((resolve) => setTimeout(resolve, 150));

      // The channel is down: the first delivery fails and the reply is written to the store.
      await replies.add(['1|reply']);
      expect(await stored()).toBe(0);
      await eventually('the failed reply to be stored', async () =>
        (await stored()) === 1 ? true : undefined,
      );
      // A reply meanwhile goes behind it, in the store.
      await replies.add(['2|reply']);
      expect(await stored()).toBe(2);
      down = false;
      await eventually('both stored replies to be delivered', async () =>
        (await replies.depth()) === 0 ? true : undefined,
      );
      expect(delivered).toEqual(['1|reply', '2|reply']);

      // The store is empty again: a reply is delivered from memory and never stored.
      await new Promise((resolve) => setTimeout(resolve, 150));
      await replies.add(['3|reply']);
      expect(await stored()).toBe(0);
      await eventually('the third reply', async () => (delivered.length === 3 ? true : undefined));
      expect(delivered).toEqual(['1|reply', '2|reply', '3|reply']);
      expect(await stored()).toBe(0);
    }, 90_000);
  });
}
