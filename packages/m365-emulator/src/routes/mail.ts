/**
 * Mail: messages, mail folders, actions (send, createReply, createReplyAll, reply, replyAll, move),
 * sendMail, and delta on a folder's messages.
 *
 * Paths (also with `mailFolders('inbox')` key syntax, and under /mailFolders/{folder}/messages):
 *   GET|POST  /users/{u}/messages                 GET|PATCH|DELETE /users/{u}/messages/{id}
 *   POST      /users/{u}/messages/{id}/send|createReply|createReplyAll|reply|replyAll|move
 *   POST      /users/{u}/sendMail
 *   GET       /users/{u}/mailFolders[/{folder}]   GET /users/{u}/mailFolders/{folder}/messages/delta
 */
import { renderEvent } from '../calendar.ts';
import { badRequest, GraphError } from '../graph-error.ts';
import type { HttpResponse } from '../http.ts';
import { prefersImmutableIds } from '../id-format.ts';
import {
  createMessage,
  createReplyDraft,
  deleteMessage,
  deliver,
  getMessage,
  moveMessage,
  renderMessage,
  replyNow,
  sendDraft,
  sendMail,
  updateMessage,
} from '../mail.ts';
import { type Json, orderAndPage } from '../odata.ts';
import { sendFinished, sendStarted } from '../pending-sends.ts';
import { type Route, type RouteContext, route } from '../router.ts';
import {
  type EmulatorState,
  FOLDER_DISPLAY_NAMES,
  type FolderName,
  type Mailbox,
  type StoredMessage,
} from '../state.ts';
import { accepted, collection, entity, folderOf, mailboxOf, objectBody } from './common.ts';

const messageContext = (mailbox: Mailbox) => `users('${mailbox.id}')/messages/$entity`;

function render(ctx: RouteContext, stored: StoredMessage): Json {
  const q = ctx.query();
  const mailbox = mailboxOf(ctx);
  return renderMessage(stored, {
    select: q.select,
    expand: q.expand,
    prefer: ctx.prefer,
    renderEvent: (id) => {
      const event = mailbox.events.get(id);
      return event ? renderEvent(event, { prefer: ctx.prefer }) : undefined;
    },
  });
}

function listMessages(ctx: RouteContext, folder?: FolderName): HttpResponse {
  const mailbox = mailboxOf(ctx);
  const q = ctx.query();
  const items = [...mailbox.messages.values()].filter((m) => !folder || m.folder === folder);
  const byId = new Map(items.map((m) => [String(m.data.id), m]));
  const query = q.orderBy ? q : { ...q, orderBy: { property: 'receivedDateTime', descending: true } };
  const pageSize = preferredPageSize(ctx.prefer) ?? 10;
  const { page, more, nextSkip } = orderAndPage(
    items.map((m) => m.data),
    query,
    pageSize,
  );
  const rendered = page.map((d) => render(ctx, byId.get(String(d.id)) as StoredMessage));
  return collection(ctx, `users('${mailbox.id}')/messages`, rendered, more ? { skip: nextSkip } : undefined);
}

function preferredPageSize(prefer: string | undefined): number | undefined {
  const m = /odata\.maxpagesize=(\d+)/i.exec(prefer ?? '');
  return m ? Number(m[1]) : undefined;
}

function create(ctx: RouteContext, folder: FolderName): HttpResponse {
  const mailbox = mailboxOf(ctx);
  const input = ctx.services.validator.entity('message', objectBody(ctx));
  const stored = createMessage(ctx.services.state, mailbox, input, { folder });
  return entity(ctx, messageContext(mailbox), render(ctx, stored), 201);
}

function actionBody(ctx: RouteContext, action: string): Json {
  return ctx.services.validator.action(action, 'message', ctx.body());
}

// ------------------------------------------------------------------- delta

interface DeltaToken {
  /** Folder. */
  f: FolderName;
  /** Changes after this seq… */
  s: number;
  /** …up to this one (the snapshot of this round). */
  u: number;
  /** Offset within the round. */
  o: number;
  /** The mailbox's sync generation when the round began (see `Mailbox.syncGeneration`). */
  g: number;
  sel?: string;
  ps?: number;
  /** `changeType` custom query option: created, updated or deleted. */
  ct?: DeltaChangeType;
  /** `$filter=receivedDateTime ge|gt {instant}`: the operator and the instant (ms). */
  rf?: { op: 'ge' | 'gt'; at: number };
}

type DeltaChangeType = 'created' | 'updated' | 'deleted';

const encodeToken = (t: DeltaToken) => Buffer.from(JSON.stringify(t)).toString('base64url');
function decodeToken(value: string, folder: FolderName, mailbox: Mailbox): DeltaToken {
  let t: DeltaToken;
  try {
    t = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as DeltaToken;
    if (t.f !== folder || typeof t.s !== 'number') throw new Error('folder');
  } catch {
    throw badRequest('The sync state is invalid or corrupted.', 'SyncStateInvalid');
  }
  // Outlook keeps sync states in a cache of limited size: an old token is gone, and the client must
  // sync again from the start (https://learn.microsoft.com/graph/delta-query-overview).
  if ((t.g ?? 0) !== mailbox.syncGeneration)
    throw new GraphError(
      410,
      'SyncStateNotFound',
      'The sync state is not found. The delta token has expired; sync again without it.',
    );
  return t;
}

/**
 * The query options message delta supports on the initial request, strictly as documented
 * (https://learn.microsoft.com/graph/api/message-delta): `$select`, `$top`, `$expand`, `changeType`
 * (created, updated, deleted), `$filter` only `receivedDateTime ge|gt {value}`, `$orderby` only
 * `receivedDateTime desc`, no `$search`.
 */
function initialDeltaOptions(params: URLSearchParams): Pick<DeltaToken, 'ct' | 'rf'> {
  if (params.has('$search')) throw badRequest('$search is not supported on delta.', 'ErrorInvalidUrlQuery');
  const orderBy = params.get('$orderby') ?? params.get('$orderBy');
  if (orderBy !== null && !/^receivedDateTime\s+desc$/i.test(orderBy.trim()))
    throw badRequest(
      'The only supported $orderby on message delta is receivedDateTime desc.',
      'ErrorInvalidUrlQuery',
    );
  const out: Pick<DeltaToken, 'ct' | 'rf'> = {};
  const changeType = params.get('changeType');
  if (changeType !== null) {
    if (!['created', 'updated', 'deleted'].includes(changeType))
      throw badRequest(
        `changeType must be created, updated or deleted, not '${changeType}'.`,
        'ErrorInvalidUrlQuery',
      );
    out.ct = changeType as DeltaChangeType;
  }
  const filter = params.get('$filter');
  if (filter !== null) {
    const m = /^\s*receivedDateTime\s+(ge|gt)\s+(\S+)\s*$/i.exec(filter);
    const at = m ? Date.parse(m[2] ?? '') : Number.NaN;
    if (!m || Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(m[2] ?? ''))
      throw badRequest(
        'The only supported $filter on message delta is receivedDateTime ge {value} or receivedDateTime gt {value}.',
        'ErrorInvalidUrlQueryFilter',
      );
    out.rf = { op: (m[1] ?? 'ge').toLowerCase() as 'ge' | 'gt', at };
  }
  return out;
}

function passesFilter(m: StoredMessage, token: DeltaToken): boolean {
  if (!token.rf) return true;
  const received = Date.parse(String(m.data.receivedDateTime ?? ''));
  if (Number.isNaN(received)) return false;
  return token.rf.op === 'ge' ? received >= token.rf.at : received > token.rf.at;
}

function delta(ctx: RouteContext): HttpResponse {
  const mailbox = mailboxOf(ctx);
  const folder = folderOf(mailbox, ctx.params.folder ?? '');
  const params = ctx.req.url.searchParams;
  const deltaToken = params.get('$deltatoken') ?? params.get('$deltaToken');
  const skipToken = params.get('$skiptoken') ?? params.get('$skipToken');
  const select = params.get('$select') ?? undefined;
  let token: DeltaToken;
  if (skipToken) token = decodeToken(skipToken, folder, mailbox);
  else if (deltaToken) token = { ...decodeToken(deltaToken, folder, mailbox), u: mailbox.seq, o: 0 };
  else
    token = {
      f: folder,
      s: 0,
      u: mailbox.seq,
      o: 0,
      g: mailbox.syncGeneration,
      ...initialDeltaOptions(params),
      ...(select ? { sel: select } : {}),
      ...(preferredPageSize(ctx.prefer) ? { ps: preferredPageSize(ctx.prefer) } : {}),
    };
  const pageSize = preferredPageSize(ctx.prefer) ?? token.ps ?? 10;
  const selectList = token.sel?.split(',').map((s) => s.trim());
  const inWindow = (seq: number) => seq > token.s && seq <= token.u;
  type Entry = { seq: number; json: Json };
  const entries: Entry[] = [];
  for (const m of mailbox.messages.values()) {
    if (m.folder !== folder || !passesFilter(m, token)) continue;
    const created = m.createdSeq ?? 0;
    const include =
      token.ct === 'created'
        ? inWindow(created)
        : token.ct === 'updated'
          ? inWindow(m.seq) && created <= token.s
          : token.ct === 'deleted'
            ? false
            : inWindow(m.seq);
    if (include)
      entries.push({ seq: m.seq, json: renderMessage(m, { select: selectList, prefer: ctx.prefer }) });
  }
  if (token.s > 0 && token.ct !== 'created' && token.ct !== 'updated') {
    const present = new Set(entries.map((e) => String(e.json.id)));
    const removed = new Map<string, number>();
    for (const r of mailbox.removed)
      if (r.folder === folder && inWindow(r.seq) && !present.has(r.id)) removed.set(r.id, r.seq);
    // A REST id names the item in the folder it left (an immutable id is the same everywhere).
    const removedId = (id: string) =>
      prefersImmutableIds(ctx.prefer) ? id : ctx.services.ids.toRest(id, `${mailbox.id}/${folder}`);
    for (const [id, seq] of removed)
      if (!(mailbox.messages.get(id)?.folder === folder))
        entries.push({
          seq,
          json: {
            '@odata.type': '#microsoft.graph.message',
            id: removedId(id),
            '@removed': { reason: 'deleted' },
          },
        });
  }
  entries.sort((a, b) => a.seq - b.seq);
  const page = entries.slice(token.o, token.o + pageSize).map((e) => e.json);
  const base = `${ctx.baseUrl}/users/${mailbox.id}/mailFolders('${folder}')/messages/delta`;
  const body: Json = { '@odata.context': `${ctx.baseUrl}/$metadata#Collection(message)`, value: page };
  if (token.o + pageSize < entries.length)
    body['@odata.nextLink'] = `${base}?$skiptoken=${encodeToken({ ...token, o: token.o + pageSize })}`;
  else {
    const { o: _o, u: _u, ...rest } = token;
    body['@odata.deltaLink'] =
      `${base}?$deltatoken=${encodeToken({ ...rest, s: token.u, u: token.u, o: 0 })}`;
  }
  return { status: 200, body };
}

/** Drops every delta sync state of a mailbox: its outstanding tokens are answered 410 from now on. */
export function expireDeltaTokens(mailbox: Mailbox): void {
  mailbox.syncGeneration++;
}

/** Sends waiting to reach Sent Items, per mailbox: message id → how many `send`s it got meanwhile. */
const pendingSends = new WeakMap<Mailbox, Map<string, number>>();

/**
 * `send` with Exchange's delay: answered 202 at once, the item stays a draft in Drafts for `delayMs`,
 * then moves to Sent Items and is delivered. A second `send` of the item while it is still a draft is
 * taken as another email (a second copy is delivered): Microsoft documents no protection, so the
 * emulator takes the unsafe reading and a client that sends twice is seen to.
 */
function sendLater(state: EmulatorState, mailbox: Mailbox, id: string, delayMs: number): void {
  const stored = getMessage(mailbox, id);
  if (!stored.data.isDraft)
    throw new GraphError(400, 'ErrorInvalidOperation', 'Only draft messages can be sent.');
  const pending = pendingSends.get(mailbox) ?? new Map<string, number>();
  pendingSends.set(mailbox, pending);
  const already = pending.get(id);
  pending.set(id, (already ?? 0) + 1);
  if (already !== undefined) return;
  sendStarted(state);
  setTimeout(() => {
    const times = pending.get(id) ?? 1;
    pending.delete(id);
    try {
      sendDraft(state, mailbox, id);
      for (let i = 1; i < times; i++) deliver(state, mailbox, getMessage(mailbox, id));
    } catch {
      // Deleted or changed meanwhile: nothing is sent, as Exchange would drop it.
    } finally {
      sendFinished(state);
    }
  }, delayMs).unref();
}

// ------------------------------------------------------------------- routes

function messageRoutes(prefix: string): Route[] {
  const folderParam = (ctx: RouteContext) =>
    ctx.params.folder ? folderOf(mailboxOf(ctx), ctx.params.folder) : undefined;
  return [
    route('GET', `${prefix}/messages/delta`, delta),
    route('GET', `${prefix}/messages`, (ctx) => listMessages(ctx, folderParam(ctx))),
    route('POST', `${prefix}/messages`, (ctx) => create(ctx, folderParam(ctx) ?? 'drafts')),
    route('GET', `${prefix}/messages/:id`, (ctx) => {
      const mailbox = mailboxOf(ctx);
      return entity(ctx, messageContext(mailbox), render(ctx, getMessage(mailbox, ctx.params.id ?? '')));
    }),
    route('PATCH', `${prefix}/messages/:id`, (ctx) => {
      const mailbox = mailboxOf(ctx);
      const patch = ctx.services.validator.entity('message', objectBody(ctx));
      const stored = updateMessage(ctx.services.state, mailbox, ctx.params.id ?? '', patch);
      return entity(ctx, messageContext(mailbox), render(ctx, stored));
    }),
    route('DELETE', `${prefix}/messages/:id`, (ctx) => {
      deleteMessage(ctx.services.state, mailboxOf(ctx), ctx.params.id ?? '');
      return { status: 204 };
    }),
    route('POST', `${prefix}/messages/:id/send`, (ctx) => {
      const mailbox = mailboxOf(ctx);
      actionBody(ctx, 'send');
      const delay = ctx.services.faults.config().sendDelayMs;
      if (delay <= 0) sendDraft(ctx.services.state, mailbox, ctx.params.id ?? '');
      else sendLater(ctx.services.state, mailbox, ctx.params.id ?? '', delay);
      return accepted();
    }),
    ...(['createReply', 'createReplyAll'] as const).map((action) =>
      route('POST', `${prefix}/messages/:id/${action}`, (ctx) => {
        const mailbox = mailboxOf(ctx);
        const body = actionBody(ctx, action);
        const draft = createReplyDraft(ctx.services.state, mailbox, ctx.params.id ?? '', {
          ...(typeof body.comment === 'string' ? { comment: body.comment } : {}),
          ...(body.message ? { message: body.message as Json } : {}),
          all: action === 'createReplyAll',
        });
        return entity(ctx, messageContext(mailbox), render(ctx, draft), 201);
      }),
    ),
    ...(['reply', 'replyAll'] as const).map((action) =>
      route('POST', `${prefix}/messages/:id/${action}`, (ctx) => {
        const mailbox = mailboxOf(ctx);
        const body = actionBody(ctx, action);
        replyNow(ctx.services.state, mailbox, ctx.params.id ?? '', {
          ...(typeof body.comment === 'string' ? { comment: body.comment } : {}),
          ...(body.message ? { message: body.message as Json } : {}),
          all: action === 'replyAll',
        });
        return accepted();
      }),
    ),
    route('POST', `${prefix}/messages/:id/move`, (ctx) => {
      const mailbox = mailboxOf(ctx);
      const body = actionBody(ctx, 'move');
      const stored = moveMessage(
        ctx.services.state,
        mailbox,
        ctx.params.id ?? '',
        folderOf(mailbox, String(body.destinationId ?? '')),
      );
      return entity(ctx, messageContext(mailbox), render(ctx, stored), 201);
    }),
  ];
}

function folderJson(mailbox: Mailbox, folder: FolderName): Json {
  const items = [...mailbox.messages.values()].filter((m) => m.folder === folder);
  return {
    id: mailbox.folderIds[folder],
    displayName: FOLDER_DISPLAY_NAMES[folder],
    parentFolderId: `AAMkA${Buffer.from(`${mailbox.id}:root`).toString('base64url')}AAA=`,
    childFolderCount: 0,
    unreadItemCount: items.filter((m) => m.data.isRead === false).length,
    totalItemCount: items.length,
    isHidden: false,
  };
}

export const mailRoutes: Route[] = [
  ...messageRoutes('users/:user'),
  ...messageRoutes('users/:user/mailFolders/:folder'),
  route('POST', 'users/:user/sendMail', (ctx) => {
    const mailbox = mailboxOf(ctx);
    const body = ctx.services.validator.action('sendMail', 'user', ctx.body());
    if (!body.message) throw badRequest('Empty Payload. JSON content expected.', 'ErrorInvalidRequest');
    sendMail(ctx.services.state, mailbox, body.message as Json, body.saveToSentItems !== false);
    return accepted();
  }),
  route('GET', 'users/:user/mailFolders', (ctx) => {
    const mailbox = mailboxOf(ctx);
    const folders = (
      ['inbox', 'drafts', 'sentitems', 'deleteditems', 'outbox', 'junkemail', 'archive'] as const
    ).map((f) => folderJson(mailbox, f));
    return collection(ctx, `users('${mailbox.id}')/mailFolders`, folders);
  }),
  route('GET', 'users/:user/mailFolders/:folder', (ctx) => {
    const mailbox = mailboxOf(ctx);
    return entity(
      ctx,
      `users('${mailbox.id}')/mailFolders/$entity`,
      folderJson(mailbox, folderOf(mailbox, ctx.params.folder ?? '')),
    );
  }),
];
