/**
 * The admin/test API under /_emulator (JSON, no auth; the emulator listens on loopback only).
 * It plays everyone Concord cannot: read any mailbox, send or reply as anyone, answer invitations, set
 * busy times, inject faults, trigger lifecycle events, move the clock, mint tokens. See docs/emulator.md.
 */

import { type ResponseAction, renderEvent, respondToEvent, type TimeSlot } from './calendar.ts';
import { GraphError } from './graph-error.ts';
import { type HttpRequest, type HttpResponse, json, parseJsonBody } from './http.ts';
import { stableGuid } from './ids.ts';
import { bodyText, createMessage, renderMessage, replyNow, sendDraft } from './mail.ts';
import type { LifecycleEvent } from './notifier.ts';
import type { Json } from './odata.ts';
import type { Services } from './router.ts';
import { expireDeltaTokens } from './routes/mail.ts';
import { subscriptionJson } from './routes/subscriptions.ts';
import type { FolderName, Mailbox } from './state.ts';
import type { SignedInUser } from './token-issuer.ts';

type AdminHandler = (input: {
  req: HttpRequest;
  params: string[];
  body: Record<string, unknown>;
}) => Promise<HttpResponse> | HttpResponse;

export interface AdminApi {
  handle(req: HttpRequest): Promise<HttpResponse>;
}

/** Summary of a mailbox for listings. */
export function mailboxSummary(m: Mailbox): Json {
  return {
    id: m.id,
    email: m.email,
    displayName: m.displayName,
    kind: m.kind,
    tenantId: m.tenantId,
    personId: m.personId ?? null,
    organisationId: m.organisationId ?? null,
    unread: [...m.messages.values()].filter((x) => x.folder === 'inbox' && x.data.isRead === false).length,
    messages: m.messages.size,
    events: m.events.size,
  };
}

/** A message as the admin API shows it: Graph JSON plus text body, folder and headers. */
export function adminMessage(stored: Parameters<typeof renderMessage>[0]): Json {
  return {
    ...renderMessage(stored, { select: undefined, prefer: 'outlook.body-content-type="text"' }),
    folder: stored.folder,
    text: bodyText(stored),
    internetMessageHeaders: stored.data.internetMessageHeaders ?? [],
    eventId: stored.data._eventId ?? null,
  };
}

const asList = (value: unknown): string[] =>
  value === undefined
    ? []
    : Array.isArray(value)
      ? value.map(String)
      : String(value)
          .split(/[;,]/)
          .map((s) => s.trim())
          .filter(Boolean);

const recipients = (value: unknown) => asList(value).map((address) => ({ emailAddress: { address } }));

export function createAdminApi(services: Services): AdminApi {
  const { state, faults, notifier } = services;

  const mailbox = (key: string): Mailbox => {
    const m = state.find(decodeURIComponent(key));
    if (!m) throw new GraphError(404, 'NotFound', `No mailbox '${key}'.`);
    return m;
  };

  /** A directory person signing in (local-mode Teams SSO): their Entra object id and name come from their mailbox. */
  const signedInUser = (value: unknown): SignedInUser => {
    const email =
      typeof value === 'object' && value !== null ? (value as { email?: unknown }).email : undefined;
    if (typeof email !== 'string') throw new GraphError(400, 'BadRequest', 'user.email is required.');
    const m = mailbox(email);
    if (m.kind !== 'user') throw new GraphError(400, 'BadRequest', `'${email}' is not a user.`);
    return { oid: m.id, preferredUsername: m.email, name: m.displayName };
  };

  const routes: [string, RegExp, AdminHandler][] = [
    ['GET', /^$/, () => json(200, { endpoints: ENDPOINTS })],
    ['GET', /^\/mailboxes$/, () => json(200, { value: state.listMailboxes().map(mailboxSummary) })],
    [
      'GET',
      /^\/mailboxes\/([^/]+)\/messages$/,
      ({ req, params }) => {
        const m = mailbox(params[0] as string);
        const folder = req.url.searchParams.get('folder');
        const list = [...m.messages.values()]
          .filter((x) => !folder || x.folder === folder)
          .sort((a, b) => String(b.data.receivedDateTime).localeCompare(String(a.data.receivedDateTime)));
        return json(200, { value: list.map(adminMessage) });
      },
    ],
    [
      'GET',
      /^\/mailboxes\/([^/]+)\/messages\/([^/]+)$/,
      ({ params }) => {
        const stored = mailbox(params[0] as string).messages.get(decodeURIComponent(params[1] as string));
        if (!stored) throw new GraphError(404, 'NotFound', 'No such message.');
        return json(200, adminMessage(stored));
      },
    ],
    [
      'POST',
      /^\/mailboxes\/([^/]+)\/send$/,
      ({ params, body }) => {
        const m = mailbox(params[0] as string);
        const headers = Object.entries((body.headers as Record<string, string>) ?? {}).map(
          ([name, value]) => ({ name, value }),
        );
        const draft = createMessage(
          state,
          m,
          {
            subject: String(body.subject ?? ''),
            body: {
              contentType: body.bodyType === 'html' ? 'html' : 'text',
              content: String(body.body ?? ''),
            },
            toRecipients: recipients(body.to),
            ccRecipients: recipients(body.cc),
            importance: String(body.importance ?? 'normal'),
            ...(headers.length ? { internetMessageHeaders: headers } : {}),
          },
          typeof body.internetMessageId === 'string' ? { internetMessageId: body.internetMessageId } : {},
        );
        sendDraft(state, m, String(draft.data.id));
        return json(201, adminMessage(draft));
      },
    ],
    [
      'POST',
      /^\/mailboxes\/([^/]+)\/messages\/([^/]+)\/reply$/,
      ({ params, body }) => {
        const m = mailbox(params[0] as string);
        const draft = replyNow(state, m, decodeURIComponent(params[1] as string), {
          comment: String(body.comment ?? ''),
          all: body.all === true,
        });
        return json(201, adminMessage(draft));
      },
    ],
    [
      'GET',
      /^\/mailboxes\/([^/]+)\/events$/,
      ({ params }) =>
        json(200, { value: [...mailbox(params[0] as string).events.values()].map((e) => renderEvent(e)) }),
    ],
    [
      'POST',
      /^\/mailboxes\/([^/]+)\/events\/([^/]+)\/respond$/,
      ({ params, body }) => {
        const action = String(body.response ?? '') as ResponseAction;
        if (!['accept', 'tentativelyAccept', 'decline'].includes(action))
          throw new GraphError(400, 'BadRequest', 'response must be accept, tentativelyAccept or decline.');
        respondToEvent(state, mailbox(params[0] as string), decodeURIComponent(params[1] as string), action, {
          ...(typeof body.comment === 'string' ? { comment: body.comment } : {}),
          ...(typeof body.sendResponse === 'boolean' ? { sendResponse: body.sendResponse } : {}),
          ...(body.proposedNewTime && typeof body.proposedNewTime === 'object'
            ? { proposedNewTime: body.proposedNewTime as TimeSlot }
            : {}),
        });
        return json(200, { ok: true });
      },
    ],
    [
      'PUT',
      /^\/mailboxes\/([^/]+)\/rules$/,
      ({ params, body }) => {
        const m = mailbox(params[0] as string);
        const list = (body as { rules?: unknown }).rules;
        if (!Array.isArray(list))
          throw new GraphError(400, 'BadRequest', 'rules must be a list of {from?, moveTo}.');
        const rules = list.map((r: { from?: unknown; moveTo?: unknown }) => {
          const moveTo = String(r.moveTo ?? '').toLowerCase();
          if (!(moveTo in m.folderIds))
            throw new GraphError(400, 'BadRequest', `moveTo must be a well-known folder, e.g. junkemail.`);
          return { ...(typeof r.from === 'string' ? { from: r.from } : {}), moveTo: moveTo as FolderName };
        });
        m.rules = rules;
        return json(200, { rules });
      },
    ],
    [
      'POST',
      /^\/mailboxes\/([^/]+)\/busy$/,
      ({ params, body }) => {
        const m = mailbox(params[0] as string);
        const start = new Date(String(body.start));
        const end = new Date(String(body.end));
        if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start)
          throw new GraphError(400, 'BadRequest', 'start and end must be ISO instants, start before end.');
        const status = String(body.status ?? 'busy') as 'busy';
        const block = {
          id: `busy-${m.busy.length + 1}`,
          start: start.toISOString(),
          end: end.toISOString(),
          status,
          ...(typeof body.subject === 'string' ? { subject: body.subject } : {}),
        };
        m.busy.push(block);
        return json(201, block);
      },
    ],
    [
      'DELETE',
      /^\/mailboxes\/([^/]+)\/busy$/,
      ({ params }) => {
        mailbox(params[0] as string).busy.length = 0;
        return { status: 204 };
      },
    ],
    [
      'POST',
      /^\/mailboxes\/([^/]+)\/delta\/expire$/,
      ({ params }) => {
        expireDeltaTokens(mailbox(params[0] as string));
        return json(200, { ok: true });
      },
    ],
    ['GET', /^\/faults$/, () => json(200, { config: faults.config(), stats: faults.stats })],
    [
      'PUT',
      /^\/faults$/,
      ({ body }) => {
        try {
          return json(200, { config: faults.update(body) });
        } catch (error) {
          if (error instanceof TypeError) throw new GraphError(400, 'BadRequest', error.message);
          throw error;
        }
      },
    ],
    [
      'POST',
      /^\/faults\/fail-next$/,
      ({ body }) => {
        faults.failNext({
          status: Number(body.status ?? 503) as 503,
          ...(typeof body.count === 'number' ? { count: body.count } : {}),
          ...(typeof body.pathContains === 'string' ? { pathContains: body.pathContains } : {}),
          ...(typeof body.method === 'string' ? { method: body.method } : {}),
          ...(body.afterApplying === true ? { afterApplying: true } : {}),
        });
        return json(200, { ok: true });
      },
    ],
    ['POST', /^\/faults\/expire-tokens$/, () => json(200, { expired: faults.expireTokens() })],
    [
      'POST',
      /^\/notifications\/drop$/,
      ({ body }) => {
        faults.dropNextNotifications(Number(body.count ?? 1));
        return json(200, { ok: true });
      },
    ],
    ['GET', /^\/notifications$/, () => json(200, { value: notifier.log })],
    [
      'POST',
      /^\/notifications\/idle$/,
      async () => {
        await notifier.idle();
        return json(200, { ok: true });
      },
    ],
    [
      'GET',
      /^\/subscriptions$/,
      () => json(200, { value: [...state.subscriptions.values()].map(subscriptionJson) }),
    ],
    [
      'POST',
      /^\/subscriptions\/([^/]+)\/lifecycle$/,
      async ({ params, body }) => {
        const sub = state.subscriptions.get(decodeURIComponent(params[0] as string));
        if (!sub) throw new GraphError(404, 'NotFound', 'No such subscription.');
        const event = String(body.event ?? '') as LifecycleEvent;
        if (!['reauthorizationRequired', 'subscriptionRemoved', 'missed'].includes(event))
          throw new GraphError(
            400,
            'BadRequest',
            'event must be reauthorizationRequired, subscriptionRemoved or missed.',
          );
        if (!sub.lifecycleNotificationUrl)
          throw new GraphError(
            409,
            'Conflict',
            'The subscription has no lifecycleNotificationUrl; Graph would not send lifecycle events.',
          );
        if (event === 'subscriptionRemoved') state.subscriptions.delete(sub.id);
        await notifier.lifecycle(sub, event);
        return json(200, { ok: true });
      },
    ],
    ['GET', /^\/clock$/, () => json(200, { now: state.clock.now().toISOString() })],
    [
      'POST',
      /^\/clock$/,
      ({ body }) => {
        if (typeof body.now === 'string') state.clock.set(new Date(body.now));
        if (typeof body.advanceMs === 'number') state.clock.advance(body.advanceMs);
        return json(200, { now: state.clock.now().toISOString() });
      },
    ],
    [
      'POST',
      /^\/tokens$/,
      async ({ body }) => {
        const token = await services.issuer.mint({
          tenantId: String(body.tenantId ?? state.hostTenantId),
          clientId: String(body.clientId ?? 'admin-minted'),
          ...(typeof body.audience === 'string' ? { audience: body.audience } : {}),
          ...(typeof body.expiresInSeconds === 'number' ? { expiresInSeconds: body.expiresInSeconds } : {}),
          ...(body.user !== undefined ? { user: signedInUser(body.user) } : {}),
        });
        return json(200, { access_token: token });
      },
    ],
    ['GET', /^\/teams-apps$/, () => json(200, { value: [...state.catalog.values()] })],
    [
      'POST',
      /^\/teams-apps$/,
      ({ body }) => {
        const externalId = String(body.externalId ?? '');
        if (!externalId) throw new GraphError(400, 'BadRequest', 'externalId is required.');
        // As in a real tenant, the catalog makes its own id on upload, never the manifest's.
        const id = String(body.id ?? stableGuid(`teams-app:${externalId}`));
        const app = {
          id,
          externalId,
          displayName: String(body.displayName ?? externalId),
          version: String(body.version ?? '1.0.0'),
        };
        state.catalog.set(id, app);
        return json(201, app);
      },
    ],
  ];

  return {
    async handle(req) {
      const path = req.url.pathname.replace(/^\/_emulator/, '').replace(/\/$/, '');
      try {
        for (const [method, pattern, handler] of routes) {
          const m = pattern.exec(path);
          if (!m || method !== req.method) continue;
          const raw = parseJsonBody(req);
          const body =
            raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
          return await handler({ req, params: m.slice(1), body });
        }
        return json(404, {
          error: { code: 'NotFound', message: `No admin endpoint ${req.method} ${req.url.pathname}` },
        });
      } catch (error) {
        if (error instanceof GraphError)
          return json(error.status, { error: { code: error.code, message: error.message } });
        if (error instanceof SyntaxError)
          return json(400, { error: { code: 'BadRequest', message: 'Body is not valid JSON.' } });
        throw error;
      }
    },
  };
}

const ENDPOINTS = [
  'GET  /_emulator/mailboxes',
  'GET  /_emulator/mailboxes/{address}/messages[?folder=inbox]',
  'GET  /_emulator/mailboxes/{address}/messages/{id}',
  'POST /_emulator/mailboxes/{address}/send {to, cc?, subject, body, bodyType?, importance?, headers?, internetMessageId?}',
  'POST /_emulator/mailboxes/{address}/messages/{id}/reply {comment, all?}',
  'POST /_emulator/mailboxes/{address}/delta/expire (outstanding delta tokens answer 410 SyncStateNotFound)',
  'GET  /_emulator/mailboxes/{address}/events',
  'POST /_emulator/mailboxes/{address}/events/{id}/respond {response: accept|tentativelyAccept|decline, comment?, sendResponse?, proposedNewTime?: {start, end}}',
  'POST /_emulator/mailboxes/{address}/busy {start, end, status?, subject?}   DELETE to clear',
  'PUT  /_emulator/mailboxes/{address}/rules {rules: [{from?, moveTo: junkemail|archive|…}]} (delivered straight there)',
  'GET|PUT /_emulator/faults   POST /_emulator/faults/fail-next {status, count?, pathContains?, method?, afterApplying?}',
  'POST /_emulator/faults/expire-tokens   every access token sent so far is refused (401) from now on',
  'POST /_emulator/notifications/drop {count}   GET /_emulator/notifications   POST /_emulator/notifications/idle',
  'GET  /_emulator/subscriptions   POST /_emulator/subscriptions/{id}/lifecycle {event}',
  'GET|POST /_emulator/clock {now?, advanceMs?}',
  'POST /_emulator/tokens {tenantId?, clientId?, audience?, expiresInSeconds?, user?: {email}}',
  'GET|POST /_emulator/teams-apps {externalId, displayName, id?, version?}',
];
