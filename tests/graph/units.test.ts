import type { Client, Context, Middleware } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';
import { graphScopeFor, msalConfiguration } from '../../src/graph/auth.ts';
import { chunks, createGraphBatch, sequence } from '../../src/graph/batch.ts';
import { classifyGraphError } from '../../src/graph/errors.ts';
import { extendedPropertyFilter, transactionIdFor } from '../../src/graph/ids.ts';
import { createMailboxLimiter, mailboxKey } from '../../src/graph/mailbox-limiter.ts';
import { parseResource } from '../../src/graph/webhook.ts';

describe('per-mailbox limiter', () => {
  it('keys by the /users/{id} segment', () => {
    expect(mailboxKey('https://graph.microsoft.com/v1.0/users/TM%40ane.example/messages?$top=1')).toBe(
      'tm@ane.example',
    );
    expect(mailboxKey("https://h/v1.0/users('a@b.example')/events")).toBe('a@b.example');
    expect(mailboxKey('https://h/v1.0/$batch')).toBeNull();
  });

  it('keeps at most 4 requests in flight per mailbox', async () => {
    const limiter = createMailboxLimiter();
    let inFlight = 0;
    let peak = 0;
    const next: Middleware = {
      async execute() {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
      },
    };
    limiter.setNext(next);
    const call = (user: string) =>
      limiter.execute({ request: `https://h/v1.0/users/${user}/messages` } as Context);
    await Promise.all([...Array.from({ length: 12 }, () => call('a@x.example')), call('b@x.example')]);
    expect(peak).toBe(5); // 4 for a@, 1 for b@
    expect(limiter.peak).toBe(4);
  });
});

describe('one limiter key per mailbox, whatever the URL names it by', () => {
  const GUID = '6b1a8f3e-2c4d-4e5f-9a0b-1c2d3e4f5a6b';
  const tracking = () => {
    const state = { inFlight: 0, peak: 0 };
    const next: Middleware = {
      async execute() {
        state.inFlight++;
        state.peak = Math.max(state.peak, state.inFlight);
        await new Promise((r) => setTimeout(r, 5));
        state.inFlight--;
      },
    };
    return { state, next };
  };

  it('address, object id, OData key form and a deltaLink share the mailbox’s 4 slots', async () => {
    const limiter = createMailboxLimiter();
    const { state, next } = tracking();
    limiter.setNext(next);
    limiter.alias(GUID, 'TM@ane.example');
    const urls = [
      'https://h/v1.0/users/tm%40ane.example/messages',
      `https://h/v1.0/users/${GUID}/messages`,
      `https://h/v1.0/users('${GUID}')/mailFolders('inbox')/messages/delta?$deltatoken=x`,
      `https://h/v1.0/users/${GUID.toUpperCase()}/events`,
    ];
    await Promise.all(
      Array.from({ length: 16 }, (_, i) => limiter.execute({ request: urls[i % 4] } as Context)),
    );
    expect(state.peak).toBe(4);
    expect(limiter.keyOf(urls[1] as string)).toBe('tm@ane.example');
  });

  it('a $batch holds a slot per inner request of each mailbox while it is sent', async () => {
    const limiter = createMailboxLimiter();
    const { state, next } = tracking();
    limiter.setNext(next);
    limiter.alias(GUID, 'tm@ane.example');
    const batch = limiter.hold(new Map([['tm@ane.example', 3]]), async () => {
      state.inFlight += 3;
      state.peak = Math.max(state.peak, state.inFlight);
      await new Promise((r) => setTimeout(r, 20));
      state.inFlight -= 3;
    });
    const direct = Array.from({ length: 4 }, () =>
      limiter.execute({ request: `https://h/v1.0/users/${GUID}/messages` } as Context),
    );
    await Promise.all([batch, ...direct]);
    expect(state.peak).toBe(4);
  });
});

describe('$batch chunks', () => {
  it('≤ 20 per batch, in order, however many name one mailbox (Graph runs 4 of a batch at once)', () => {
    const requests = Array.from({ length: 30 }, (_, i) => ({
      id: String(i),
      method: 'GET' as const,
      url: `/users/${i < 10 ? 'a' : `u${i}`}@x.example/manager`,
    }));
    const out = chunks(requests);
    expect(out.map((c) => c.length)).toEqual([20, 10]);
    expect(out.flat().map((r) => r.id)).toEqual(requests.map((r) => r.id));
    // The ten for one mailbox go in one batch (they were split 4 + 4 + 2 across three before).
    expect(out[0]?.filter((r) => r.url.startsWith('/users/a@'))).toHaveLength(10);
  });
});

describe('$batch sequences', () => {
  /** A stand-in `/$batch` endpoint that answers each round from `rounds`, recording what it got. */
  function fakeApi(rounds: ((id: string) => number)[]) {
    const sent: { requests: { id: string; dependsOn?: string[] }[] }[] = [];
    const options: unknown[][] = [];
    const api = {
      api: () => {
        const used: unknown[] = [];
        options.push(used);
        return {
          middlewareOptions(o: unknown[]) {
            used.push(...o);
            return this;
          },
          async post(payload: { requests: { id: string; dependsOn?: string[] }[] }) {
            const status = rounds[sent.length] ?? (() => 200);
            sent.push(payload);
            return {
              responses: payload.requests.map((r) => ({ id: r.id, status: status(r.id), headers: {} })),
            };
          },
        };
      },
    } as unknown as Client;
    return { api, sent, options };
  }

  it('chains each request on the one before; a retry leaves out what is already answered', async () => {
    const fake = fakeApi([(id) => (id === 'tag' ? 429 : 424), () => 200]);
    const batch = createGraphBatch({ api: fake.api, sleep: async () => {} });
    const answers = await batch.run(
      sequence([
        { id: 'tag', method: 'PATCH', url: '/users/a@x.example/messages/1', body: {} },
        { id: 'send', method: 'POST', url: '/users/a@x.example/messages/1/send', body: {} },
      ]),
    );
    expect(fake.sent[0]?.requests.map((r) => r.dependsOn)).toEqual([undefined, ['tag']]);
    // The tag was throttled and tried again alone; the send's 424 is its answer (the caller sends).
    expect(fake.sent[1]?.requests).toEqual([expect.objectContaining({ id: 'tag' })]);
    expect(fake.sent[1]?.requests[0]?.dependsOn).toBeUndefined();
    expect([answers.get('tag')?.status, answers.get('send')?.status]).toEqual([200, 424]);
  });

  it('never retries a send after a 504, inside the batch or the batch itself', async () => {
    const fake = fakeApi([() => 504]);
    const batch = createGraphBatch({ api: fake.api, sleep: async () => {} });
    const answers = await batch.run(
      [
        {
          id: 'send',
          method: 'POST',
          url: '/users/a@x.example/messages/1/send',
          retryOn: new Set([429, 503]),
        },
      ],
      { retryGatewayTimeout: false },
    );
    expect(fake.sent).toHaveLength(1);
    expect(answers.get('send')?.status).toBe(504);
    expect(fake.options[0]).toHaveLength(1); // the RetryHandler told not to retry a 504
  });
});

describe('failure classification', () => {
  const error = (statusCode: number, retryAfter?: string) => ({
    statusCode,
    code: 'X',
    message: 'm',
    headers: new Headers(retryAfter ? { 'retry-after': retryAfter } : {}),
  });
  it.each([
    [429, true],
    [503, true],
    [504, true],
    [500, true],
    [400, false],
    [403, false],
    [404, false],
  ])('%i → retryable %s', (status, retryable) => {
    expect(classifyGraphError(error(status)).retryable).toBe(retryable);
  });
  it('reads Retry-After', () => {
    expect(classifyGraphError(error(429, '7')).retryAfterMs).toBe(7000);
  });
  it('network errors are retryable', () => {
    expect(classifyGraphError(new TypeError('fetch failed')).retryable).toBe(true);
  });
});

describe('ids', () => {
  it('transactionId is a stable GUID per key', () => {
    const a = transactionIdFor('d1:stage-3:book:1');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(transactionIdFor('d1:stage-3:book:1')).toBe(a);
    expect(transactionIdFor('d1:stage-3:book:2')).not.toBe(a);
  });
  it('extended property filters quote values', () => {
    expect(extendedPropertyFilter('String {x} Name K', "it's")).toBe(
      "singleValueExtendedProperties/Any(ep: ep/id eq 'String {x} Name K' and ep/value eq 'it''s')",
    );
  });
  it('parses notification resources', () => {
    expect(parseResource('Users/abc/Messages/AAMk=')).toEqual({
      user: 'abc',
      collection: 'messages',
      id: 'AAMk=',
    });
    expect(parseResource("users('abc')/events('E1')")).toEqual({
      user: 'abc',
      collection: 'events',
      id: 'E1',
    });
    expect(
      parseResource(
        'users/0b7d6e3a-1111-4c2b-9a5e-3f1d2c4b5a69@5f0c3a1e-2222-4d3b-8c6f-4e2d1c3b4a5f/messages/AAMk=',
      ),
    ).toEqual({ user: '0b7d6e3a-1111-4c2b-9a5e-3f1d2c4b5a69', collection: 'messages', id: 'AAMk=' });
    // An address keeps its domain.
    expect(parseResource('users/team.manager@ane.example/events/E2')?.user).toBe('team.manager@ane.example');
    expect(parseResource('Users/abc/Contacts/1')).toBeUndefined();
    expect(parseResource({ toString: () => 'Users/abc/Messages/1' })).toBeUndefined();
  });
});

describe('token scope', () => {
  it('follows GRAPH_BASE_URL to a national cloud, and is the global one otherwise', () => {
    expect(graphScopeFor('https://graph.microsoft.com/v1.0')).toBe('https://graph.microsoft.com/.default');
    expect(graphScopeFor('https://graph.microsoft.us/v1.0')).toBe('https://graph.microsoft.us/.default');
    expect(graphScopeFor('https://dod-graph.microsoft.us/v1.0')).toBe(
      'https://dod-graph.microsoft.us/.default',
    );
    expect(graphScopeFor('https://microsoftgraph.chinacloudapi.cn/v1.0')).toBe(
      'https://microsoftgraph.chinacloudapi.cn/.default',
    );
    expect(graphScopeFor('https://127.0.0.1:4443/v1.0')).toBe('https://graph.microsoft.com/.default');
  });
});

describe('msal configuration', () => {
  it('uses OIDC and knownAuthorities for a non-Microsoft authority host', () => {
    const config = msalConfiguration({
      tenantId: 't',
      clientId: 'c',
      credential: { kind: 'secret', secret: 's' },
      authorityHost: 'https://127.0.0.1:8443',
    });
    expect(config.auth.authority).toBe('https://127.0.0.1:8443/t');
    expect(config.auth.knownAuthorities).toEqual(['127.0.0.1:8443']);
    expect(config.system?.protocolMode).toBe('OIDC');
  });
  it('leaves Microsoft’s authority alone and accepts a certificate', () => {
    const config = msalConfiguration({
      tenantId: 't',
      clientId: 'c',
      credential: { kind: 'certificate', privateKey: 'PEM', thumbprintSha256: 'ab' },
      authorityHost: 'https://login.microsoftonline.com',
    });
    expect(config.auth.knownAuthorities).toBeUndefined();
    expect(config.system).toBeUndefined();
    expect(config.auth.clientCertificate).toEqual({ privateKey: 'PEM', thumbprintSha256: 'ab' });
  });
});
