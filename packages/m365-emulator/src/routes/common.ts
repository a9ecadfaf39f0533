/** Helpers shared by the Graph route modules. */
import { GraphError, notFound } from '../graph-error.ts';
import type { HttpResponse } from '../http.ts';
import type { Json } from '../odata.ts';
import type { RouteContext } from '../router.ts';
import { type FolderName, type Mailbox, WELL_KNOWN_FOLDERS } from '../state.ts';

/** The mailbox named by `:user`, in the caller's tenant (an app cannot reach another tenant's mailboxes). */
export function mailboxOf(ctx: RouteContext, param = 'user'): Mailbox {
  const key = ctx.params[param] ?? '';
  if (key.toLowerCase() === 'me')
    throw new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
  const mailbox = ctx.services.state.find(key);
  if (!mailbox || mailbox.tenantId !== ctx.claims.tid)
    throw notFound(`The requested user '${key}' is invalid.`, 'ErrorInvalidUser');
  return mailbox;
}

/** The directory user named by `:user` (Graph's directory error when absent). */
export function userOf(ctx: RouteContext, param = 'user'): Mailbox {
  const key = ctx.params[param] ?? '';
  if (key.toLowerCase() === 'me')
    throw new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
  const mailbox = ctx.services.state.find(key);
  if (!mailbox || mailbox.tenantId !== ctx.claims.tid)
    throw notFound(
      `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
      'Request_ResourceNotFound',
    );
  return mailbox;
}

export function folderOf(mailbox: Mailbox, key: string): FolderName {
  const lower = key.toLowerCase();
  const named = WELL_KNOWN_FOLDERS.find((f) => f === lower);
  if (named) return named;
  const byId = WELL_KNOWN_FOLDERS.find((f) => mailbox.folderIds[f] === key);
  if (byId) return byId;
  throw notFound('The specified folder could not be found in the store.', 'ErrorItemNotFound');
}

/** An OData collection page, with @odata.nextLink when there is more. */
export function collection(
  ctx: RouteContext,
  contextPath: string,
  page: readonly Json[],
  next?: { skip: number },
): HttpResponse {
  const body: Json = { '@odata.context': `${ctx.baseUrl}/$metadata#${contextPath}`, value: page };
  if (next) {
    const params = new URLSearchParams(ctx.req.url.search);
    params.set('$skip', String(next.skip));
    // Graph writes OData option names with a literal "$".
    const search = [...params]
      .map(([k, v]) => `${encodeURIComponent(k).replace(/^%24/, '$')}=${encodeURIComponent(v)}`)
      .join('&');
    body['@odata.nextLink'] = `${ctx.baseUrl}${ctx.req.url.pathname.replace(/^\/v1\.0/i, '')}?${search}`;
  }
  return { status: 200, body };
}

export const entity = (ctx: RouteContext, contextPath: string, value: Json, status = 200): HttpResponse => ({
  status,
  body: { '@odata.context': `${ctx.baseUrl}/$metadata#${contextPath}`, ...value },
});

export const accepted = (): HttpResponse => ({ status: 202 });
export const noContent = (): HttpResponse => ({ status: 204 });

/** Reads the body as a JSON object (Graph's 400 otherwise). */
export function objectBody(ctx: RouteContext): Record<string, unknown> {
  const body = ctx.body();
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new GraphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
  return body as Record<string, unknown>;
}
