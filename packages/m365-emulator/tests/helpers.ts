/**
 * Contract-test plumbing: one emulator per test file, reached only through @azure/msal-node and
 * @microsoft/microsoft-graph-client. Raw fetch is used only for the webhook receiver and the admin API.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ConfidentialClientApplication, ProtocolMode } from '@azure/msal-node';
import { type AuthenticationProvider, Client, type Middleware } from '@microsoft/microsoft-graph-client';
import { type Emulator, type StartEmulatorOptions, startEmulator } from '../src/emulator.ts';
import { trustEmulatorCa } from '../src/trust.ts';

/** Concord's sample directory file, which is also a seed file (the repository root's directory/). */
export const SAMPLE_DIRECTORY = fileURLToPath(new URL('../../../directory/sample-ane.json', import.meta.url));

export interface Harness {
  m365: Emulator;
  cca: ConfidentialClientApplication;
  graph: Client;
  /** A graph client with a fixed bearer token (for 401 tests). */
  graphWithToken(token: string): Client;
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export function msalFor(m365: Emulator, tenant: string = m365.tenantId): ConfidentialClientApplication {
  const client = m365.clients[0];
  if (!client) throw new Error('no client');
  return new ConfidentialClientApplication({
    auth: {
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      authority: `${m365.authorityHost}/${tenant}`,
      knownAuthorities: [m365.knownAuthority],
    },
    system: { protocolMode: ProtocolMode.OIDC },
  });
}

export function graphFor(
  m365: Emulator,
  authProvider: AuthenticationProvider,
  middleware?: Middleware[],
): Client {
  if (middleware) return Client.initWithMiddleware({ middleware, customHosts: new Set(m365.customHosts) });
  return Client.initWithMiddleware({
    authProvider,
    baseUrl: `${m365.origin}/`,
    defaultVersion: 'v1.0',
    customHosts: new Set(m365.customHosts),
  });
}

export async function startHarness(options: StartEmulatorOptions = {}): Promise<Harness> {
  const m365 = await startEmulator({ directory: SAMPLE_DIRECTORY, ...options });
  const untrust = trustEmulatorCa(m365.caPem);
  const cca = msalFor(m365);
  const authProvider: AuthenticationProvider = {
    async getAccessToken() {
      const result = await cca.acquireTokenByClientCredential({
        scopes: ['https://graph.microsoft.com/.default'],
      });
      if (!result) throw new Error('no token');
      return result.accessToken;
    },
  };
  return {
    m365,
    cca,
    graph: graphFor(m365, authProvider),
    graphWithToken: (token) => graphFor(m365, { getAccessToken: async () => token }),
    async admin<T>(method: string, path: string, body?: unknown) {
      const response = await fetch(`${m365.adminUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
    async close() {
      await m365.close();
      untrust();
    },
  };
}

export interface ReceivedPost {
  path: string;
  query: URLSearchParams;
  contentType: string;
  body: string;
  json?: { value: Record<string, unknown>[] };
}

/** A local webhook receiver that behaves like Concord's endpoints (or misbehaves on request). */
export interface Receiver {
  url: string;
  posts: ReceivedPost[];
  /** How to answer validation requests: echo (default), wrong, slow, status500, json. */
  validation: 'echo' | 'wrong' | 'status500' | 'json';
  /** Status to answer notifications with (default 202). */
  notificationStatus: number;
  /** Resolves with the next notification POST matching `predicate`. */
  waitFor(predicate: (post: ReceivedPost) => boolean, timeoutMs?: number): Promise<ReceivedPost>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const waiters: { predicate: (p: ReceivedPost) => boolean; resolve: (p: ReceivedPost) => void }[] = [];
  const receiver: Receiver = {
    url: '',
    posts: [],
    validation: 'echo',
    notificationStatus: 202,
    waitFor(predicate, timeoutMs = 5000) {
      const existing = receiver.posts.find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for a webhook POST')), timeoutMs);
        waiters.push({
          predicate,
          resolve: (p) => {
            clearTimeout(timer);
            resolve(p);
          },
        });
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const token = url.searchParams.get('validationToken');
    if (token !== null) {
      if (receiver.validation === 'status500') res.writeHead(500).end();
      else if (receiver.validation === 'json')
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(token));
      else
        res
          .writeHead(200, { 'content-type': 'text/plain' })
          .end(receiver.validation === 'wrong' ? 'nope' : token);
      return;
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const post: ReceivedPost = {
      path: url.pathname,
      query: url.searchParams,
      contentType: String(req.headers['content-type'] ?? ''),
      body,
      ...(body ? { json: JSON.parse(body) } : {}),
    };
    receiver.posts.push(post);
    res.writeHead(receiver.notificationStatus).end();
    for (const w of [...waiters]) {
      if (w.predicate(post)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(post);
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

/** The sample directory's people, by id. */
export const people = {
  practitioner: 'practitioner@ane.example',
  teamManager: 'team.manager@ane.example',
  serviceManager: 'service.manager@ane.example',
  headOfService: 'head.of.service@ane.example',
  director: 'director@ane.example',
  familyFinder: 'family.finding@ane.example',
  gatesheadTeamManager: 'team.manager@gateshead.example',
  newcastlePermanence: 'permanence.team.manager@newcastle.example',
} as const;

/** Captures Graph errors as values: `{ statusCode, code, body, headers }`. */
export async function graphError(
  promise: Promise<unknown>,
): Promise<{ statusCode: number; code: string; message: string; headers?: Headers }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { statusCode: number; code: string; message: string; headers?: Headers };
    return {
      statusCode: e.statusCode,
      code: e.code,
      message: e.message,
      ...(e.headers ? { headers: e.headers } : {}),
    };
  }
  throw new Error('expected the Graph call to fail');
}
