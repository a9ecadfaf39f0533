/**
 * Subscriptions: POST (with the validationToken handshake on notificationUrl and
 * lifecycleNotificationUrl), GET, PATCH (renew), DELETE, reauthorize. Outlook resources allow an
 * expiration of at most 10,080 minutes.
 *
 * Supported resources: users/{id}/mailFolders('{folder}')/messages, users/{id}/messages,
 * users/{id}/events (also /calendar/events).
 */
import { randomUUID } from 'node:crypto';
import { mailboxFaultError } from '../faults.ts';
import { badRequest, GraphError, notFound } from '../graph-error.ts';
import { prefersImmutableIds } from '../id-format.ts';
import type { Json } from '../odata.ts';
import { normalisePath, type Route, type RouteContext, route } from '../router.ts';
import type { Subscription, SubscriptionTarget } from '../state.ts';
import { collection, entity, folderOf, objectBody } from './common.ts';

export const MAX_EXPIRATION_MINUTES = 10_080;

function targetOf(ctx: RouteContext, resource: string): SubscriptionTarget {
  const segments = normalisePath(resource.replace(/^https?:\/\/[^/]+/, '').replace(/^\/?v1\.0/i, ''));
  const [first, user, ...rest] = segments;
  if (first?.toLowerCase() === 'me')
    throw badRequest('/me request is only valid with delegated authentication flow.', 'BadRequest');
  const path = rest.map((s) => s.toLowerCase()).join('/');
  if (first?.toLowerCase() !== 'users' || !user) throw unsupported(resource);
  const mailbox = ctx.services.state.find(user);
  if (!mailbox || mailbox.tenantId !== ctx.claims.tid)
    throw new GraphError(
      404,
      'ExtensionError',
      `Operation: Create; Exception: [Status Code: NotFound; Reason: The requested user '${user}' is invalid.]`,
    );
  checkMailboxFault(ctx, mailbox.id, 'Create');
  if (path === 'messages') return { mailboxId: mailbox.id, kind: 'message' };
  if (rest.length === 3 && path.startsWith('mailfolders/') && path.endsWith('/messages'))
    return { mailboxId: mailbox.id, kind: 'message', folder: folderOf(mailbox, rest[1] as string) };
  if (path === 'events' || path === 'calendar/events') return { mailboxId: mailbox.id, kind: 'event' };
  throw unsupported(resource);
}

/**
 * A per-mailbox fault (faults.ts) as the subscription service reports it: Exchange's answer wrapped in
 * an `ExtensionError` with the same status, naming Exchange's code and message.
 */
function checkMailboxFault(ctx: RouteContext, mailboxId: string, operation: 'Create' | 'Update'): void {
  const mailbox = ctx.services.state.find(mailboxId);
  const fault = mailbox && ctx.services.faults.mailboxFault(mailbox);
  if (!fault) return;
  const inner = mailboxFaultError(fault);
  throw new GraphError(
    inner.status,
    'ExtensionError',
    `Operation: ${operation}; Exception: [Status Code: ${inner.status === 403 ? 'Forbidden' : 'NotFound'}; Reason: ${inner.code}: ${inner.message}]`,
  );
}

const unsupported = (resource: string) =>
  badRequest(
    `Resource '${resource}' is not supported for change notifications by this emulator.`,
    'InvalidRequest',
  );

function checkExpiration(ctx: RouteContext, value: unknown): string {
  if (typeof value !== 'string') throw badRequest('expirationDateTime is required.', 'InvalidRequest');
  const at = Date.parse(value);
  const now = ctx.services.state.clock.now().getTime();
  if (at <= now) throw badRequest('Subscription expiration must be in the future.', 'InvalidRequest');
  if (at > now + MAX_EXPIRATION_MINUTES * 60_000 + 60_000)
    throw badRequest(
      `Subscription expiration can only be ${MAX_EXPIRATION_MINUTES} minutes in the future.`,
      'InvalidRequest',
    );
  return new Date(at).toISOString();
}

function checkUrl(value: unknown, name: string): string {
  if (typeof value !== 'string') throw badRequest(`${name} is required.`, 'InvalidRequest');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest(`${name} '${value}' is not a valid URL.`, 'InvalidRequest');
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw badRequest(
      `${name} must use HTTPS (the emulator also accepts http://localhost).`,
      'InvalidRequest',
    );
  return value;
}

const CHANGE_TYPES = new Set(['created', 'updated', 'deleted']);

export function subscriptionJson(sub: Subscription): Json {
  return {
    id: sub.id,
    resource: sub.resource,
    applicationId: sub.applicationId,
    changeType: sub.changeType,
    clientState: sub.clientState ?? null,
    notificationUrl: sub.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: sub.lifecycleNotificationUrl ?? null,
    expirationDateTime: sub.expirationDateTime,
    creatorId: sub.creatorId,
    includeResourceData: sub.includeResourceData,
    latestSupportedTlsVersion: sub.latestSupportedTlsVersion,
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}

function find(ctx: RouteContext): Subscription {
  purgeExpired(ctx);
  const sub = ctx.services.state.subscriptions.get(ctx.params.id ?? '');
  if (!sub || sub.applicationId !== ctx.claims.appid)
    throw notFound('The object was not found.', 'ResourceNotFound');
  return sub;
}

/** Expired subscriptions are deleted, as Graph does. */
function purgeExpired(ctx: RouteContext) {
  const now = ctx.services.state.clock.now().getTime();
  for (const [id, sub] of ctx.services.state.subscriptions)
    if (Date.parse(sub.expirationDateTime) <= now) ctx.services.state.subscriptions.delete(id);
}

export const subscriptionRoutes: Route[] = [
  route('POST', 'subscriptions', async (ctx) => {
    const body = ctx.services.validator.entity('subscription', objectBody(ctx));
    const changeType = String(body.changeType ?? '');
    if (!changeType.split(',').every((c) => CHANGE_TYPES.has(c.trim())))
      throw badRequest(`Invalid changeType '${changeType}'.`, 'InvalidRequest');
    if (typeof body.resource !== 'string') throw badRequest('resource is required.', 'InvalidRequest');
    const target = targetOf(ctx, body.resource);
    const notificationUrl = checkUrl(body.notificationUrl, 'notificationUrl');
    const lifecycleNotificationUrl =
      body.lifecycleNotificationUrl === undefined || body.lifecycleNotificationUrl === null
        ? undefined
        : checkUrl(body.lifecycleNotificationUrl, 'lifecycleNotificationUrl');
    const expirationDateTime = checkExpiration(ctx, body.expirationDateTime);
    if (typeof body.clientState === 'string' && body.clientState.length > 128)
      throw badRequest('clientState must be at most 128 characters.', 'InvalidRequest');
    for (const url of [notificationUrl, lifecycleNotificationUrl]) {
      if (!url) continue;
      const result = await ctx.services.notifier.validate(url);
      if (!result.ok)
        throw badRequest(
          `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request. (${url} ${result.reason})`,
          'ValidationError',
        );
    }
    const sub: Subscription = {
      id: randomUUID(),
      resource: body.resource,
      changeType,
      notificationUrl,
      ...(lifecycleNotificationUrl ? { lifecycleNotificationUrl } : {}),
      ...(typeof body.clientState === 'string' ? { clientState: body.clientState } : {}),
      expirationDateTime,
      applicationId: ctx.claims.appid,
      creatorId: ctx.claims.oid,
      tenantId: ctx.claims.tid,
      includeResourceData: body.includeResourceData === true,
      latestSupportedTlsVersion:
        typeof body.latestSupportedTlsVersion === 'string' ? body.latestSupportedTlsVersion : 'v1_2',
      target,
      immutableIds: prefersImmutableIds(ctx.prefer),
    };
    ctx.services.state.subscriptions.set(sub.id, sub);
    return entity(ctx, 'subscriptions/$entity', subscriptionJson(sub), 201);
  }),
  route('GET', 'subscriptions', (ctx) => {
    purgeExpired(ctx);
    const mine = [...ctx.services.state.subscriptions.values()].filter(
      (s) => s.applicationId === ctx.claims.appid,
    );
    return collection(ctx, 'subscriptions', mine.map(subscriptionJson));
  }),
  route('GET', 'subscriptions/:id', (ctx) =>
    entity(ctx, 'subscriptions/$entity', subscriptionJson(find(ctx))),
  ),
  route('PATCH', 'subscriptions/:id', (ctx) => {
    const sub = find(ctx);
    checkMailboxFault(ctx, sub.target.mailboxId, 'Update');
    const body = ctx.services.validator.entity('subscription', objectBody(ctx));
    if (body.expirationDateTime !== undefined)
      sub.expirationDateTime = checkExpiration(ctx, body.expirationDateTime);
    if (typeof body.notificationUrl === 'string')
      sub.notificationUrl = checkUrl(body.notificationUrl, 'notificationUrl');
    return entity(ctx, 'subscriptions/$entity', subscriptionJson(sub));
  }),
  route('DELETE', 'subscriptions/:id', (ctx) => {
    ctx.services.state.subscriptions.delete(find(ctx).id);
    return { status: 204 };
  }),
  route('POST', 'subscriptions/:id/reauthorize', (ctx) => {
    checkMailboxFault(ctx, find(ctx).target.mailboxId, 'Update');
    return { status: 204 };
  }),
];
