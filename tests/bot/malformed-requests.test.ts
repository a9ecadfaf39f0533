/**
 * Malformed and forged requests on POST /api/messages: 400 or 401 with Concord's own short body,
 * never a 500, never botbuilder's error text or the OpenID metadata URL, and the turn never runs.
 * Cloud-mode refusals are logged, without the activity's content or the token.
 */
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { botRoute, createBotAdapter } from '../../src/bot/adapter.ts';
import { createLogger } from '../../src/log/index.ts';
import { type ConcordServer, createServer } from '../../src/server/server.ts';

const CLOUD = { id: '11111111-2222-3333-4444-555555555555', password: 'secret', tenantId: null, type: null };
const ACTIVITY = {
  type: 'message',
  id: 'a-1',
  text: 'case ANE-SECRET-7 about Jane Smith',
  channelId: 'msteams',
  serviceUrl: 'http://127.0.0.1:9/',
  from: { id: 'user-id-0' },
  recipient: { id: 'bot' },
  conversation: { id: 'c-1', conversationType: 'personal' },
};
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** Well formed, signed by nobody: botbuilder must fetch signing keys to refuse it. */
const FORGED_JWT = [
  b64({ alg: 'RS256', kid: 'forged-key', typ: 'JWT' }),
  b64({
    iss: 'https://api.botframework.com',
    aud: CLOUD.id,
    exp: 4_102_444_800,
    serviceurl: ACTIVITY.serviceUrl,
  }),
  'c2lnbmF0dXJl',
].join('.');
const LEAKS =
  /botframework\.com|openid|well-known|req\.body|middleware|No valid identity|Signing Key|getaddrinfo/i;

let server: ConcordServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(bot: typeof CLOUD | null) {
  const turns: string[] = [];
  const lines: string[] = [];
  const log = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  });
  server = createServer({
    routes: [
      botRoute({
        bot: createBotAdapter({ bot, log }),
        logic: async (context) => {
          turns.push(context.activity.type);
        },
        log,
      }),
    ],
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const post = async (body: unknown, authorization?: string) => {
    const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  };
  return { post, turns, lines, port };
}

const NOT_ACTIVITIES: readonly [string, unknown][] = [
  ['no type', { ...ACTIVITY, type: undefined }],
  ['a numeric type', { ...ACTIVITY, type: 5 }],
  ['an object type', { ...ACTIVITY, type: { toString: 'message' } }],
  ['an empty type', { ...ACTIVITY, type: '' }],
  ['a numeric serviceUrl', { ...ACTIVITY, serviceUrl: 5 }],
  ['an object serviceUrl', { ...ACTIVITY, serviceUrl: { href: ACTIVITY.serviceUrl } }],
  ['null', null],
  ['an array', [ACTIVITY]],
  ['a string', 'message'],
];

describe.each([
  ['local', null],
  ['cloud', CLOUD],
] as const)('POST /api/messages in %s mode', (_mode, bot) => {
  it.each(NOT_ACTIVITIES)('answers 400 with a short body to %s', async (_name, body) => {
    const app = await start(bot);
    const answer = await app.post(body, bot ? `Bearer ${FORGED_JWT}` : undefined);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({ error: 'the body must be a Bot Framework activity' });
    expect(app.turns).toEqual([]);
  });
});

describe('POST /api/messages in cloud mode, forged or missing tokens', () => {
  it.each([
    ['no Authorization header', undefined],
    ['a bearer that is not a JWT', 'Bearer not-a-real-token'],
    ['a well-formed JWT signed by nobody', `Bearer ${FORGED_JWT}`],
    ['a JWT with alg none', `Bearer ${b64({ alg: 'none' })}.${b64({ iss: 'x' })}.`],
  ])('answers 401 with a short body to %s, and logs the refusal without content', async (_name, auth) => {
    const app = await start(CLOUD);
    const answer = await app.post(ACTIVITY, auth);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toEqual({ error: 'unauthorized' });
    expect(answer.text).not.toMatch(LEAKS);
    expect(app.turns).toEqual([]);
    const logged = app.lines.join('\n');
    expect(logged).toContain('bot request refused');
    expect(logged).toMatch(/"status":401/);
    expect(logged).toMatch(/"mode":"cloud"/);
    expect(logged).not.toMatch(/ANE-SECRET-7|Jane Smith|c2lnbmF0dXJl|not-a-real-token/);
  });
});

describe('POST /api/messages with a body over 1 MiB', () => {
  it('answers 413 when the size is found only while reading (chunked), not "not JSON"', async () => {
    const { port } = await start(null);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(JSON.stringify({ ...ACTIVITY, text: 'x'.repeat(2 * 1024 * 1024) }));
      req.end();
    });
    expect(answer).toEqual({ status: 413, body: '{"error":"request body too large"}' });
  });
});

describe('POST /api/messages in local mode', () => {
  it('still runs a well-formed activity', async () => {
    const app = await start(null);
    const answer = await app.post(ACTIVITY);
    expect(answer.status).toBe(200);
    expect(app.turns).toEqual(['message']);
  });
});
