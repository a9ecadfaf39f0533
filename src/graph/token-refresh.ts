/**
 * One retry with a new token when Graph refuses the one sent: 401 `InvalidAuthenticationToken`
 * (https://learn.microsoft.com/graph/errors: "Required authentication information is either missing
 * or not valid for the resource"). Without it the outbox would retry with msal-node's cached token,
 * which Graph keeps refusing until the cache lets it go (up to an hour).
 *
 * It sits before graph-client's AuthenticationHandler: on a refused token it tells the provider
 * (`refused`, which makes the next token a fresh one from Entra), drops the Authorization header, and
 * runs the rest of the chain (auth → RetryHandler → limiter → HTTP) once more. A second 401 is
 * returned as it is: that is not a stale token (no permission, wrong audience), and the caller's
 * classification (errors.ts) takes it.
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

export interface TokenRefusalSink {
  refused(token: string): void;
}

const AUTHORIZATION = 'authorization';

function sentToken(context: Context): string | undefined {
  const headers = context.options?.headers as unknown;
  let value: string | null | undefined;
  if (headers instanceof Headers) value = headers.get(AUTHORIZATION);
  else if (Array.isArray(headers))
    value = (headers as [string, string][]).find(([k]) => k.toLowerCase() === AUTHORIZATION)?.[1];
  else if (headers && typeof headers === 'object')
    value = Object.entries(headers as Record<string, string>).find(
      ([k]) => k.toLowerCase() === AUTHORIZATION,
    )?.[1];
  return value?.replace(/^Bearer\s+/i, '') || undefined;
}

function dropAuthorization(context: Context): void {
  const options = context.options;
  if (!options) return;
  const headers = options.headers as unknown;
  if (headers instanceof Headers) headers.delete(AUTHORIZATION);
  else if (Array.isArray(headers))
    options.headers = (headers as [string, string][]).filter(([k]) => k.toLowerCase() !== AUTHORIZATION);
  else if (headers && typeof headers === 'object')
    for (const key of Object.keys(headers))
      if (key.toLowerCase() === AUTHORIZATION) delete (headers as Record<string, string>)[key];
}

/** A 401 whose body says the token was refused (or has no readable body). */
async function tokenRefused(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  try {
    const body = (await response.clone().json()) as { error?: { code?: string } };
    const code = body?.error?.code;
    return code === undefined || code === 'InvalidAuthenticationToken';
  } catch {
    return true;
  }
}

export class TokenRefreshHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly sink: TokenRefusalSink) {}

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('TokenRefreshHandler has no next middleware');
    await this.next.execute(context);
    const response = context.response;
    if (!response || !(await tokenRefused(response))) return;
    const token = sentToken(context);
    // A body that was a stream cannot be sent twice; Concord sends strings (JSON) only.
    if (!token || (context.options?.body !== undefined && typeof context.options.body !== 'string')) return;
    this.sink.refused(token);
    // The refused answer is not read any further: free its body (and so its connection).
    await response.body?.cancel().catch(() => undefined);
    dropAuthorization(context);
    await this.next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
