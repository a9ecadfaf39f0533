/**
 * POST /api/graph/notifications and /api/graph/lifecycle over real HTTP: the validationToken
 * handshake (echoed as text/plain with nosniff; 400 when absent, empty or malformed), and
 * malformed notification items (a bad percent-escape, fields of the wrong type) that are skipped
 * one by one while the rest of the batch is still processed and acknowledged 202.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphWebhookRoutes } from '../../src/app/graph-webhook-routes.ts';
import type { SubscriptionRecord } from '../../src/graph/ports.ts';
import { createGraphWebhooks, type GraphJob } from '../../src/graph/webhook.ts';
import { silentLogger } from '../../src/log/index.ts';
import { type ConcordServer, createServer } from '../../src/server/server.ts';

const INBOX: SubscriptionRecord = {
  id: 'sub-inbox',
  kind: 'inbox',
  mailbox: 'team.manager@ane.example',
  mailboxId: '0b7d6e3a-1111-4c2b-9a5e-3f1d2c4b5a69',
  resource: 'users/0b7d6e3a-1111-4c2b-9a5e-3f1d2c4b5a69/messages',
  clientState: 'the-shared-secret',
  expiresAt: '2027-01-10T00:00:00Z',
};
const GRAPH_TOKEN =
  'Validation: Testing client application reachability for subscription Request-Id: 0e6f0d2a-6f4e-4a43-9c1d-2b8f6a7e5c31';

const jobs: GraphJob[] = [];
let server: ConcordServer;
let base: string;

beforeAll(async () => {
  const webhooks = createGraphWebhooks({
    subscriptions: { find: async (id) => (id === INBOX.id ? INBOX : undefined) },
    enqueue: async (accepted) => {
      jobs.push(...accepted);
      return 'queued';
    },
    log: silentLogger(),
  });
  server = createServer({ routes: graphWebhookRoutes({ webhooks }) });
  base = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
});
afterAll(async () => {
  await server?.close();
});

const PATHS = ['/api/graph/notifications', '/api/graph/lifecycle'] as const;

async function post(path: string, query: string, body?: string) {
  const response = await fetch(`${base}${path}${query}`, {
    method: 'POST',
    headers: { 'content-type': body === undefined ? 'text/plain; charset=utf-8' : 'application/json' },
    ...(body === undefined ? {} : { body }),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    nosniff: response.headers.get('x-content-type-options'),
    text: await response.text(),
  };
}

describe.each(PATHS)('the validationToken handshake on %s', (path) => {
  it("echoes Graph's token, URL-decoded, as text/plain with nosniff", async () => {
    const answer = await post(path, `?validationToken=${encodeURIComponent(GRAPH_TOKEN)}`);
    expect(answer).toEqual({
      status: 200,
      type: 'text/plain; charset=utf-8',
      nosniff: 'nosniff',
      text: GRAPH_TOKEN,
    });
  });

  it('accepts printable ASCII up to the bound, HTML-looking included (text/plain and nosniff keep it inert)', async () => {
    const longest = 'v'.repeat(1024);
    expect((await post(path, `?validationToken=${longest}`)).text).toBe(longest);
    const markup = '<script>alert(1)</script>';
    const answer = await post(path, `?validationToken=${encodeURIComponent(markup)}`);
    expect([answer.status, answer.text, answer.nosniff]).toEqual([200, markup, 'nosniff']);
  });

  it.each([
    ['absent (no token, no body)', ''],
    ['empty', '?validationToken='],
    ['too long', `?validationToken=${'v'.repeat(1025)}`],
    ['with a line break', `?validationToken=${encodeURIComponent('abc\r\nSet-Cookie: x=1')}`],
    ['with a control character', `?validationToken=${encodeURIComponent('abc\u0000def')}`],
    ['with non-ASCII characters', `?validationToken=${encodeURIComponent('abc\u202edef')}`],
  ])('answers 400 when the token is %s, echoing nothing', async (_name, query) => {
    const answer = await post(path, query);
    expect(answer.status).toBe(400);
    expect(answer.nosniff).toBe('nosniff');
    expect(answer.text).toMatch(/^validationToken is (required|malformed)$/);
  });
});

describe('notification batches with malformed items', () => {
  const valid = (id: string) => ({
    subscriptionId: INBOX.id,
    clientState: INBOX.clientState,
    changeType: 'created',
    resource: `Users/${INBOX.mailboxId}/Messages/${id}`,
    resourceData: { id },
  });

  it('skips a bad percent-escape and wrongly typed fields, processes the rest, and answers 202', async () => {
    jobs.length = 0;
    const batch = {
      value: [
        valid('AAMk-first='),
        { ...valid('x'), resource: `Users/${INBOX.mailboxId}/Messages/%E0%A4%A`, resourceData: {} },
        { ...valid('x'), resource: `Users/%zz${INBOX.mailboxId}/Messages/AAMk-bad-user=` },
        { ...valid('x'), subscriptionId: { id: INBOX.id } },
        { ...valid('x'), clientState: ['the-shared-secret'] },
        { ...valid('x'), resource: 42 },
        { ...valid('AAMk-numeric-id='), resourceData: { id: 7 } },
        'not an object',
        valid('AAMk-last='),
      ],
    };
    const answer = await post('/api/graph/notifications', '', JSON.stringify(batch));
    expect([answer.status, answer.text, answer.nosniff]).toEqual([202, '', 'nosniff']);
    expect(jobs).toEqual([
      { kind: 'message', mailbox: INBOX.mailbox, messageId: 'AAMk-first=' },
      // A non-string resourceData.id falls back to the id in the verified resource path.
      { kind: 'message', mailbox: INBOX.mailbox, messageId: 'AAMk-numeric-id=' },
      { kind: 'message', mailbox: INBOX.mailbox, messageId: 'AAMk-last=' },
    ]);
  });

  it('accepts every documented resource form, and still refuses another mailbox in any of them', async () => {
    jobs.length = 0;
    const tenant = '5f0c3a1e-2222-4d3b-8c6f-4e2d1c3b4a5f';
    const other = '9a8b7c6d-3333-4e5f-a1b2-c3d4e5f6a7b8';
    const at = (resource: string, id: string) => ({ ...valid(id), resource, resourceData: { id } });
    const batch = {
      value: [
        at(`Users/${INBOX.mailboxId}/Messages/AAMk-1=`, 'AAMk-1='),
        at(`users/${INBOX.mailboxId}@${tenant}/messages/AAMk-2=`, 'AAMk-2='),
        at(`Users('${INBOX.mailboxId}')/Messages('AAMk-3=')`, 'AAMk-3='),
        at(`/v1.0/users/${INBOX.mailbox}/mailFolders('inbox')/messages/AAMk-4=`, 'AAMk-4='),
        at(`users/${INBOX.mailboxId}/mailFolders/inbox/messages('AAMk-5=')`, 'AAMk-5='),
        // Another mailbox, however it is written, is a forgery.
        at(`users/${other}@${tenant}/messages/AAMk-x=`, 'AAMk-x='),
        at(`Users('${other}')/Messages('AAMk-x=')`, 'AAMk-x='),
        at(`users/${INBOX.mailboxId}@${other}x/messages/AAMk-x=`, 'AAMk-x='),
        // The wrong collection for an inbox subscription.
        at(`Users/${INBOX.mailboxId}/Events/AAMk-x=`, 'AAMk-x='),
        // Malformed: no id, empty user, stray segments, unbalanced key syntax, absurd length.
        at(`Users/${INBOX.mailboxId}/Messages/`, 'AAMk-x='),
        at('Users//Messages/AAMk-x=', 'AAMk-x='),
        at(`Users/${INBOX.mailboxId}/Messages/AAMk-x=/attachments/1`, 'AAMk-x='),
        at(`Users('${INBOX.mailboxId}/Messages('AAMk-x=')`, 'AAMk-x='),
        at(`Users/${INBOX.mailboxId}/Messages/${'A'.repeat(5000)}`, 'AAMk-x='),
      ],
    };
    const answer = await post('/api/graph/notifications', '', JSON.stringify(batch));
    expect(answer.status).toBe(202);
    expect(jobs.map((j) => (j.kind === 'message' ? j.messageId : j.kind))).toEqual([
      'AAMk-1=',
      'AAMk-2=',
      'AAMk-3=',
      'AAMk-4=',
      'AAMk-5=',
    ]);
  });

  it('lifecycle: a non-string lifecycleEvent is skipped, the rest is processed', async () => {
    jobs.length = 0;
    const item = (event: unknown) => ({
      subscriptionId: INBOX.id,
      clientState: INBOX.clientState,
      lifecycleEvent: event,
    });
    const batch = { value: [item({ evil: true }), item('reauthorizationRequired'), item(null)] };
    const answer = await post('/api/graph/lifecycle', '', JSON.stringify(batch));
    expect(answer.status).toBe(202);
    expect(jobs).toEqual([{ kind: 'lifecycle', subscriptionId: INBOX.id, event: 'reauthorizationRequired' }]);
  });

  it('a body that is not JSON is still acknowledged 202, and nothing is queued', async () => {
    jobs.length = 0;
    const answer = await post('/api/graph/notifications', '', '{"value": [');
    expect(answer.status).toBe(202);
    expect(jobs).toEqual([]);
  });
});
