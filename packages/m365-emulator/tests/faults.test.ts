import { RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphError, type Harness, people, startHarness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
afterEach(async () => {
  await h.admin('PUT', '/faults', {
    rate429: 0,
    rate503: 0,
    rate504: 0,
    latencyMs: 0,
    dropNotificationRate: 0,
    retryAfterSeconds: 1,
  });
});

const noRetry = [new RetryHandlerOptions(0, 0)];

describe('per-mailbox concurrency (Exchange: 4 requests in flight)', () => {
  it('answers the fifth concurrent request to one mailbox 429 ApplicationThrottled with Retry-After', async () => {
    await h.admin('PUT', '/faults', { latencyMs: 300, retryAfterSeconds: 2 });
    const calls = Array.from({ length: 6 }, () =>
      h.graph
        .api(`/users/${people.teamManager}/messages`)
        .middlewareOptions(noRetry)
        .get()
        .then(
          () => ({ ok: true as const }),
          (e: { statusCode: number; code: string; headers?: Headers }) => ({ ok: false as const, e }),
        ),
    );
    const results = await Promise.all(calls);
    const throttled = results.filter((r) => !r.ok);
    expect(results.filter((r) => r.ok)).toHaveLength(4);
    expect(throttled).toHaveLength(2);
    for (const r of throttled) {
      if (r.ok) continue;
      expect(r.e.statusCode).toBe(429);
      expect(r.e.code).toBe('ApplicationThrottled');
      expect(r.e.headers?.get('retry-after')).toBe('2');
    }
    // Other mailboxes are not affected by one mailbox's limit.
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        h.graph.api(`/users/${[people.director, people.practitioner][i % 2]}`).get(),
      ),
    );
  });

  it('graph-client retries the 429s after Retry-After and every call succeeds', async () => {
    await h.admin('PUT', '/faults', { latencyMs: 150, retryAfterSeconds: 1 });
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        h.graph.api(`/users/${people.serviceManager}/mailFolders/inbox/messages`).get(),
      ),
    );
    expect(results).toHaveLength(6);
    const stats = await h.admin<{ stats: { throttled: number } }>('GET', '/faults');
    expect(stats.body.stats.throttled).toBeGreaterThan(0);
  });

  it('a $batch runs at most 4 of its requests at once, so 6 to one mailbox are all answered 200', async () => {
    // Microsoft: "the service executes up to 4 requests in parallel at any point, irrespective of
    // the target mailbox, staying within Outlook's concurrency limits" (throttling limits, "Outlook
    // service limits for JSON batching"). Before, the emulator ran all six at once and refused two.
    await h.admin('PUT', '/faults', { latencyMs: 200 });
    const started = Date.now();
    const res = await h.graph
      .api('/$batch')
      .middlewareOptions(noRetry)
      .post({
        requests: Array.from({ length: 6 }, (_, i) => ({
          id: String(i + 1),
          method: 'GET',
          url: `/users/${people.director}/messages`,
        })),
      });
    expect(res.responses.map((r: { status: number }) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    // Four, then two: two rounds of the 200 ms latency.
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('requests inside a $batch are throttled individually when other requests hold the mailbox; the batch itself is 200', async () => {
    await h.admin('PUT', '/faults', { latencyMs: 300 });
    // Two requests outside the batch hold two of the mailbox's four slots.
    const outside = Array.from({ length: 2 }, () =>
      h.graph.api(`/users/${people.director}/messages`).middlewareOptions(noRetry).get(),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const res = await h.graph
      .api('/$batch')
      .middlewareOptions(noRetry)
      .post({
        requests: Array.from({ length: 4 }, (_, i) => ({
          id: String(i + 1),
          method: 'GET',
          url: `/users/${people.director}/messages`,
        })),
      });
    await Promise.all(outside);
    const statuses = res.responses.map((r: { status: number }) => r.status).sort();
    expect(statuses).toEqual([200, 200, 429, 429]);
    const throttled = res.responses.find((r: { status: number }) => r.status === 429);
    expect(throttled.headers['retry-after']).toBe('1');
  });
});

describe('injected faults', () => {
  it('fail-next gives 503 with Retry-After, then 504, to matching requests only', async () => {
    await h.admin('POST', '/faults/fail-next', { status: 503, pathContains: '/manager' });
    const e503 = await graphError(
      h.graph.api(`/users/${people.practitioner}/manager`).middlewareOptions(noRetry).get(),
    );
    expect(e503.statusCode).toBe(503);
    expect(e503.headers?.get('retry-after')).toBe('1');
    await h.admin('POST', '/faults/fail-next', { status: 504, count: 1 });
    const e504 = await graphError(
      h.graph.api(`/users/${people.practitioner}`).middlewareOptions(noRetry).get(),
    );
    expect(e504.statusCode).toBe(504);
    const ok = await h.graph.api(`/users/${people.practitioner}/manager`).get();
    expect(ok.mail).toBe(people.teamManager);
  });

  it('a 100% 429 rate throttles everything; graph-client gives up after its retries', async () => {
    await h.admin('PUT', '/faults', { rate429: 1, retryAfterSeconds: 0 });
    const error = await graphError(
      h.graph
        .api(`/users/${people.practitioner}`)
        .middlewareOptions([new RetryHandlerOptions(0, 1)])
        .get(),
    );
    expect(error.statusCode).toBe(429);
  });

  it('a seeded fault rate is repeatable', async () => {
    const run = async () => {
      await h.admin('PUT', '/faults', { rate503: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        statuses.push(
          await h.graph
            .api(`/users/${people.practitioner}`)
            .middlewareOptions(noRetry)
            .get()
            .then(
              () => 200,
              (e: { statusCode: number }) => e.statusCode,
            ),
        );
      }
      return statuses;
    };
    const first = await run();
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it('adds latency', async () => {
    await h.admin('PUT', '/faults', { latencyMs: 250 });
    const t = Date.now();
    await h.graph.api(`/users/${people.practitioner}`).get();
    expect(Date.now() - t).toBeGreaterThanOrEqual(240);
  });
});

describe('CSDL validation of request bodies', () => {
  it.each([
    ['bad enum', { subject: 'x', importance: 'urgent' }, "Requested value 'urgent' was not found."],
    [
      'unknown property',
      { subject: 'x', priority: 'high' },
      "The property 'priority' does not exist on type 'microsoft.graph.message'",
    ],
    ['wrong type', { subject: 42 }, "Cannot convert the literal '42' to the expected type 'Edm.String'."],
    [
      'unknown nested property',
      { subject: 'x', body: { contentType: 'text', text: 'x' } },
      "'text' does not exist on type 'microsoft.graph.itemBody'",
    ],
    [
      'bad nested enum',
      { subject: 'x', body: { contentType: 'markdown', content: 'x' } },
      "Requested value 'markdown' was not found.",
    ],
    [
      'collection expected',
      { subject: 'x', toRecipients: { emailAddress: { address: 'a@b.example' } } },
      "A 'StartArray' node was expected.",
    ],
  ])('message draft: %s → 400 RequestBodyRead', async (_name, body, message) => {
    const error = await graphError(h.graph.api(`/users/${people.practitioner}/messages`).post(body));
    expect(error).toMatchObject({ statusCode: 400, code: 'RequestBodyRead' });
    expect(error.message).toContain(message);
  });

  it('action parameters are checked too (getSchedule, reply)', async () => {
    const error = await graphError(
      h.graph
        .api(`/users/${people.practitioner}/calendar/getSchedule`)
        .post({ schedules: [people.director], when: 'now' }),
    );
    expect(error).toMatchObject({ statusCode: 400, code: 'RequestBodyRead' });
  });

  it('property names are case-insensitive, and @odata.type selects a derived type', async () => {
    const d = await h.graph.api(`/users/${people.practitioner}/messages`).post({
      Subject: 'Case test',
      attachments: [
        { '@odata.type': '#microsoft.graph.fileAttachment', name: 'a.txt', contentBytes: 'aGVsbG8=' },
      ],
    });
    expect(d.subject).toBe('Case test');
    expect(d.hasAttachments).toBe(true);
    const badAttachment = await graphError(
      h.graph.api(`/users/${people.practitioner}/messages`).post({
        attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'a.txt', bytes: 'x' }],
      }),
    );
    expect(badAttachment.message).toContain(
      "'bytes' does not exist on type 'microsoft.graph.fileAttachment'",
    );
  });
});

describe('timeouts and expired tokens (the chaos run’s Graph faults)', () => {
  afterEach(async () => {
    await h.admin('PUT', '/faults', { rateTimeout: 0, rateExpiredToken: 0, timeoutMs: 5_000 });
  });

  it('refuses a request as if its token had expired: 401 InvalidAuthenticationToken with WWW-Authenticate, nothing done', async () => {
    await h.admin('PUT', '/faults', { rateExpiredToken: 1 });
    const e = await graphError(
      h.graph
        .api(`/users/${people.teamManager}/mailFolders/inbox/messages`)
        .middlewareOptions(noRetry)
        .post({ subject: 'never stored', body: { contentType: 'text', content: 'x' } }),
    );
    expect(e.statusCode).toBe(401);
    expect(e.code).toBe('InvalidAuthenticationToken');
    expect(e.message).toBe('Lifetime validation failed, the token is expired.');
    await h.admin('PUT', '/faults', { rateExpiredToken: 0 });
    // The refused token stays refused (a real expired token does not heal): msal-node's cached one
    // fails again, and a new one from the token endpoint works.
    const again = await graphError(
      h.graph.api(`/users/${people.teamManager}/mailFolders/inbox/messages`).middlewareOptions(noRetry).get(),
    );
    expect(again.statusCode).toBe(401);
    const fresh = await h.cca.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
      skipCache: true,
    });
    const inbox = (await h
      .graphWithToken(fresh?.accessToken ?? '')
      .api(`/users/${people.teamManager}/mailFolders/inbox/messages`)
      .get()) as { value: { subject: string }[] };
    expect(inbox.value.map((m) => m.subject)).not.toContain('never stored');
  });

  it('expire-tokens: every token sent so far is refused from then on; a new one is not', async () => {
    await h.graph.api(`/users/${people.teamManager}`).get();
    const { body } = await h.admin<{ expired: number }>('POST', '/faults/expire-tokens');
    expect(body.expired).toBeGreaterThanOrEqual(1);
    const e = await graphError(h.graph.api(`/users/${people.teamManager}`).middlewareOptions(noRetry).get());
    expect(e.statusCode).toBe(401);
    expect(e.code).toBe('InvalidAuthenticationToken');
    const fresh = await h.cca.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
      skipCache: true,
    });
    const me = (await h
      .graphWithToken(fresh?.accessToken ?? '')
      .api(`/users/${people.teamManager}`)
      .get()) as {
      id: string;
    };
    expect(me.id).toBeTruthy();
  });

  it('carries out a timed-out request but never answers it: the connection is dropped after timeoutMs', async () => {
    await h.admin('PUT', '/faults', { rateTimeout: 1, timeoutMs: 200 });
    const subject = `timed out ${Date.now()}`;
    const started = Date.now();
    const failure = await h.graph
      .api(`/users/${people.teamManager}/mailFolders/inbox/messages`)
      .middlewareOptions(noRetry)
      .post({ subject, body: { contentType: 'text', content: 'x' } })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failure).not.toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    await h.admin('PUT', '/faults', { rateTimeout: 0 });
    // It happened all the same: a retry has to find it rather than do it again.
    const inbox = (await h.graph.api(`/users/${people.teamManager}/mailFolders/inbox/messages`).get()) as {
      value: { subject: string }[];
    };
    expect(inbox.value.filter((m) => m.subject === subject)).toHaveLength(1);
  });
});
