/**
 * The Graph client: graph-client 3 with an explicit middleware chain
 *
 *   token refresh (one retry with a new token on 401 InvalidAuthenticationToken) → auth (token from
 *   msal-node) → RetryHandler (429/503/504, honours Retry-After) → per-mailbox limiter (≤ 4 in flight)
 *   → HTTP
 *
 * `customHosts` always includes the GRAPH_BASE_URL host: graph-client attaches tokens only to
 * graph.microsoft.com and the custom hosts, and only over https.
 *
 * Connections: the client has one undici dispatcher of its own (an `Agent`: a keep-alive pool per
 * origin, so one per Graph host) whose TLS secure context is built once. Passing `ca` to every
 * `tls.connect` instead builds a new secure context with every root certificate per connection,
 * which took 85% of the CPU during a notification burst (issue 15). `extraCa` adds a CA besides the
 * public roots (the local emulator's); without it the roots are Node's, NODE_EXTRA_CA_CERTS included.
 *
 * @example
 * const client = createGraphClient({
 *   baseUrl: config.graphBaseUrl,
 *   auth: createAppTokenProvider({ tenantId, clientId, credential, authorityHost: config.authorityHost }),
 * });
 */

import { createSecureContext, rootCertificates } from 'node:tls';
import {
  AuthenticationHandler,
  type AuthenticationProvider,
  Client,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';
import { createMailboxLimiter, type MailboxLimiter } from './mailbox-limiter.ts';
import { TokenRefreshHandler, type TokenRefusalSink } from './token-refresh.ts';

export interface GraphClientOptions {
  /** GRAPH_BASE_URL, e.g. https://graph.microsoft.com/v1.0 */
  readonly baseUrl: string;
  /** With `refused` (createAppTokenProvider's), a token Graph refuses is replaced and the request sent again once. */
  readonly auth: AuthenticationProvider & Partial<TokenRefusalSink>;
  /** Hosts besides the base URL's that may receive the token. */
  readonly customHosts?: readonly string[];
  /** Per-mailbox concurrency (default 4). */
  readonly perMailbox?: number;
  /** RetryHandler: base delay in seconds (default 3) and attempts (default 3, at most 10). */
  readonly retry?: { readonly delaySeconds?: number; readonly maxRetries?: number };
  /**
   * Scales the RetryHandler's sleeps (tests only: 0.01 makes a 1 s Retry-After 10 ms). The handler
   * still reads Retry-After and decides when to retry; only the wait is shortened.
   */
  readonly retrySleepScale?: number;
  /** A PEM CA trusted besides the public roots (local mode: the emulator's). */
  readonly extraCa?: string;
}

export interface GraphClient {
  readonly api: Client;
  readonly limiter: MailboxLimiter;
  /** Closes the client's keep-alive connections. */
  close(): Promise<void>;
}

/** How long an idle connection to Graph is kept (capped by the server's own keep-alive hint). */
const KEEP_ALIVE_MS = 30_000;

/** One keep-alive dispatcher; its TLS secure context is made here, once. */
export function createGraphDispatcher(extraCa?: string): Agent {
  const secureContext = createSecureContext(extraCa ? { ca: [...rootCertificates, extraCa] } : {});
  return new Agent({
    keepAliveTimeout: KEEP_ALIVE_MS,
    keepAliveMaxTimeout: 10 * 60_000,
    connect: { secureContext },
  });
}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const base = new URL(options.baseUrl.replace(/\/+$/, ''));
  const segments = base.pathname.split('/').filter(Boolean);
  const version = segments.pop() ?? 'v1.0';
  const root = `${base.origin}/${segments.map((s) => `${s}/`).join('')}`;

  const auth = new AuthenticationHandler(options.auth);
  const retry = new RetryHandler(
    new RetryHandlerOptions(options.retry?.delaySeconds ?? 3, options.retry?.maxRetries ?? 3),
  );
  const scale = options.retrySleepScale;
  if (scale !== undefined && scale !== 1) {
    // RetryHandler.sleep is private in the typings; shorten it for tests without forking the handler.
    const patched = retry as unknown as { sleep: (seconds: number) => Promise<void> };
    patched.sleep = (seconds) =>
      new Promise((resolve) => setTimeout(resolve, Math.max(0, seconds * 1000 * scale)));
  }
  const limiter = createMailboxLimiter({ perMailbox: options.perMailbox ?? 4 });
  const http = new HTTPMessageHandler();
  auth.setNext(retry);
  retry.setNext(limiter);
  limiter.setNext(http);
  const refused = options.auth.refused?.bind(options.auth);
  let first: AuthenticationHandler | TokenRefreshHandler = auth;
  if (refused) {
    first = new TokenRefreshHandler({ refused });
    first.setNext(auth);
  }

  const dispatcher = createGraphDispatcher(options.extraCa);
  const api = Client.initWithMiddleware({
    middleware: first,
    baseUrl: root,
    defaultVersion: version,
    customHosts: new Set([base.hostname, ...(options.customHosts ?? [])]),
    // Node's fetch takes undici's `dispatcher`; graph-client passes fetchOptions through to it.
    fetchOptions: { dispatcher } as RequestInit,
  });
  return { api, limiter, close: () => dispatcher.close() };
}
