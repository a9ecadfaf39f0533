/**
 * The Graph client: graph-client 3 with an explicit middleware chain
 *
 *   auth (token from msal-node) → RetryHandler (429/503/504, honours Retry-After) → per-mailbox limiter
 *   (≤ 4 in flight) → HTTP
 *
 * `customHosts` always includes the GRAPH_BASE_URL host: graph-client attaches tokens only to
 * graph.microsoft.com and the custom hosts, and only over https.
 *
 * @example
 * const client = createGraphClient({
 *   baseUrl: config.graphBaseUrl,
 *   auth: createAppTokenProvider({ tenantId, clientId, credential, authorityHost: config.authorityHost }),
 * });
 */
import {
  AuthenticationHandler,
  type AuthenticationProvider,
  Client,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import { createMailboxLimiter, type MailboxLimiter } from './mailbox-limiter.ts';

export interface GraphClientOptions {
  /** GRAPH_BASE_URL, e.g. https://graph.microsoft.com/v1.0 */
  readonly baseUrl: string;
  readonly auth: AuthenticationProvider;
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
}

export interface GraphClient {
  readonly api: Client;
  readonly limiter: MailboxLimiter;
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

  const api = Client.initWithMiddleware({
    middleware: auth,
    baseUrl: root,
    defaultVersion: version,
    customHosts: new Set([base.hostname, ...(options.customHosts ?? [])]),
  });
  return { api, limiter };
}
