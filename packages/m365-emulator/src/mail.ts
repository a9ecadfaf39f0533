/**
 * Exchange mail behaviour: drafts, send, delivery into recipients' inboxes, replies with threading
 * headers and quoted history, and the Graph rendering of a stored message.
 *
 * Delivery copies a sent message into each recipient's (to, cc, bcc) inbox with the same
 * conversationId and internetMessageId, and transport headers (Message-ID, In-Reply-To, References)
 * plus the sender's custom `x-` headers. Extended properties stay in the sender's mailbox: they are
 * MAPI properties, not part of the message on the wire.
 */
import { escapeHtml, htmlToText, type ItemBody, innerHtml, preview, renderBody } from './body-format.ts';
import { badRequest, GraphError, itemNotFound } from './graph-error.ts';
import { changeKey, conversationId, internetMessageId, itemId } from './ids.ts';
import { applySelect, type ExpandItem, type Json, matchesFilter, parseFilter } from './odata.ts';
import type { EmulatorState, FolderName, Mailbox, StoredMessage } from './state.ts';

export interface Recipient {
  emailAddress: { name?: string; address: string };
}

const RECIPIENT_FIELDS = ['toRecipients', 'ccRecipients', 'bccRecipients', 'replyTo'] as const;

export const recipientOf = (mailbox: Mailbox): Recipient => ({
  emailAddress: { name: mailbox.displayName, address: mailbox.email },
});

const addresses = (value: unknown): Recipient[] => (Array.isArray(value) ? (value as Recipient[]) : []);

/** Graph rejects custom headers that do not start with x-. */
function checkHeaders(headers: unknown): void {
  if (!Array.isArray(headers)) return;
  if (headers.length > 5)
    throw badRequest(
      'Maximum number of headers in one message should be less than or equal to 5.',
      'InvalidInternetMessageHeaderCollection',
    );
  for (const h of headers as { name?: string }[]) {
    if (!h.name || !/^x-/i.test(h.name))
      throw badRequest(
        `The internet message header name '${h.name ?? ''}' should start with 'x-' or 'X-'.`,
        'InvalidInternetMessageHeader',
      );
  }
}

function checkExtendedProperties(props: unknown): void {
  if (!Array.isArray(props)) return;
  for (const p of props as { id?: string; value?: unknown }[]) {
    if (
      !p.id ||
      !/^(String|Integer|Boolean|SystemTime|Binary|Long|Double|Guid|Short|Currency|Float|Object)(Array)?\s+(\{[0-9a-f-]{36}\}\s+(Name|Id)\s+\S+|0x[0-9a-f]{4})$/i.test(
        p.id.trim(),
      )
    )
      throw badRequest(`The extended property id '${p.id ?? ''}' is not valid.`, 'ErrorInvalidProperty');
  }
}

function normaliseBody(value: unknown): ItemBody {
  const body = value as Partial<ItemBody> | undefined;
  const contentType = String(body?.contentType ?? 'text').toLowerCase() === 'html' ? 'html' : 'text';
  return { contentType, content: body?.content ?? '' };
}

/** Creates a message in a folder of `mailbox` (a draft unless `received`). */
export function createMessage(
  state: EmulatorState,
  mailbox: Mailbox,
  input: Json,
  options: {
    folder?: FolderName;
    inReplyTo?: string;
    references?: string[];
    conversationId?: string;
    /** The Message-ID the sender's own mail system gives it (Gmail's carry `+`, `=` and `_`). */
    internetMessageId?: string;
  } = {},
): StoredMessage {
  checkHeaders(input.internetMessageHeaders);
  checkExtendedProperties(input.singleValueExtendedProperties);
  const now = state.clock.now().toISOString();
  const folder = options.folder ?? 'drafts';
  const body = normaliseBody(input.body);
  const id = itemId();
  const domain = mailbox.email.slice(mailbox.email.indexOf('@') + 1);
  const me = recipientOf(mailbox);
  const attachments = Array.isArray(input.attachments) ? input.attachments : [];
  const data: Json = {
    id,
    createdDateTime: now,
    lastModifiedDateTime: now,
    changeKey: changeKey(),
    categories: [],
    receivedDateTime: now,
    sentDateTime: null,
    hasAttachments: attachments.length > 0,
    internetMessageId: options.internetMessageId ?? internetMessageId(domain),
    subject: '',
    importance: 'normal',
    parentFolderId: mailbox.folderIds[folder],
    conversationId: options.conversationId ?? conversationId(),
    conversationIndex: Buffer.from(`${now}${id}`).toString('base64').slice(0, 30),
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: true,
    isDraft: folder === 'drafts',
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: 'focused',
    sender: input.from ?? me,
    from: input.from ?? me,
    toRecipients: [],
    ccRecipients: [],
    bccRecipients: [],
    replyTo: [],
    flag: { flagStatus: 'notFlagged' },
    internetMessageHeaders: [],
    singleValueExtendedProperties: [],
    multiValueExtendedProperties: [],
    ...withoutNavigation(input),
    body,
    bodyPreview: preview(body),
    uniqueBody: body,
    attachments: attachments.map((a) => ({ id: itemId(), ...(a as Json) })),
  };
  if (input.sender === undefined) data.sender = me;
  const stored: StoredMessage = {
    folder,
    seq: 0,
    data,
    references: options.references ?? [],
    ...(options.inReplyTo ? { inReplyTo: options.inReplyTo } : {}),
  };
  mailbox.messages.set(id, stored);
  stored.seq = state.touch(mailbox, { kind: 'message', changeType: 'created', id, folder });
  stored.createdSeq = stored.seq;
  return stored;
}

function withoutNavigation(input: Json): Json {
  const { attachments: _a, extensions: _e, ...rest } = input;
  return rest;
}

export function getMessage(mailbox: Mailbox, id: string): StoredMessage {
  const stored = mailbox.messages.get(id);
  if (!stored) throw itemNotFound();
  return stored;
}

/** PATCH: drafts take any writable property; sent and received items only flags and categories. */
export function updateMessage(
  state: EmulatorState,
  mailbox: Mailbox,
  id: string,
  patch: Json,
): StoredMessage {
  const stored = getMessage(mailbox, id);
  if (!stored.data.isDraft) {
    const allowed = new Set([
      'isRead',
      'categories',
      'flag',
      'importance',
      'inferenceClassification',
      'singleValueExtendedProperties',
      'multiValueExtendedProperties',
      'isDeliveryReceiptRequested',
      'isReadReceiptRequested',
    ]);
    for (const key of Object.keys(patch))
      if (!allowed.has(key) && !key.includes('@'))
        throw badRequest(
          `Update of property '${key}' is not supported on a message that is not a draft.`,
          'ErrorInvalidPropertyUpdateSentMessage',
        );
  }
  checkHeaders(patch.internetMessageHeaders);
  checkExtendedProperties(patch.singleValueExtendedProperties);
  const next: Json = { ...stored.data };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'singleValueExtendedProperties' && Array.isArray(value)) {
      const existing = new Map(
        (next.singleValueExtendedProperties as { id: string; value: string }[]).map((p) => [
          p.id.toLowerCase(),
          p,
        ]),
      );
      for (const p of value as { id: string; value: string }[]) existing.set(p.id.toLowerCase(), p);
      next.singleValueExtendedProperties = [...existing.values()];
    } else if (key === 'body') {
      const body = normaliseBody(value);
      next.body = body;
      next.uniqueBody = body;
      next.bodyPreview = preview(body);
    } else next[key] = value;
  }
  next.lastModifiedDateTime = state.clock.now().toISOString();
  next.changeKey = changeKey();
  stored.data = next;
  stored.seq = state.touch(mailbox, { kind: 'message', changeType: 'updated', id, folder: stored.folder });
  return stored;
}

/** DELETE moves the item to Deleted Items; deleting from Deleted Items removes it. */
export function deleteMessage(state: EmulatorState, mailbox: Mailbox, id: string): void {
  const stored = getMessage(mailbox, id);
  if (stored.folder === 'deleteditems') {
    mailbox.messages.delete(id);
    const seq = state.touch(mailbox, { kind: 'message', changeType: 'deleted', id, folder: stored.folder });
    mailbox.removed.push({ id, folder: stored.folder, seq });
    return;
  }
  moveMessage(state, mailbox, id, 'deleteditems');
}

export function moveMessage(
  state: EmulatorState,
  mailbox: Mailbox,
  id: string,
  folder: FolderName,
): StoredMessage {
  const stored = getMessage(mailbox, id);
  const from = stored.folder;
  stored.folder = folder;
  stored.data = { ...stored.data, parentFolderId: mailbox.folderIds[folder], changeKey: changeKey() };
  // Delta on the old folder sees a removal; on the new one, a creation.
  const removedSeq = state.touch(mailbox, { kind: 'message', changeType: 'deleted', id, folder: from });
  mailbox.removed.push({ id, folder: from, seq: removedSeq });
  stored.seq = state.touch(mailbox, { kind: 'message', changeType: 'created', id, folder });
  stored.createdSeq = stored.seq;
  return stored;
}

/** POST …/send: the draft moves to Sent Items (same id, as with immutable ids) and is delivered. */
export function sendDraft(state: EmulatorState, mailbox: Mailbox, id: string, saveToSentItems = true): void {
  const stored = getMessage(mailbox, id);
  if (!stored.data.isDraft)
    throw new GraphError(400, 'ErrorInvalidOperation', 'Only draft messages can be sent.');
  const recipients = [...RECIPIENT_FIELDS.slice(0, 3)].flatMap((f) => addresses(stored.data[f]));
  if (recipients.length === 0)
    throw new GraphError(
      400,
      'ErrorInvalidRecipients',
      'At least one recipient is not valid., Recipient is missing.',
    );
  const now = state.clock.now().toISOString();
  stored.data = {
    ...stored.data,
    isDraft: false,
    sentDateTime: now,
    receivedDateTime: now,
    lastModifiedDateTime: now,
  };
  if (saveToSentItems) moveMessage(state, mailbox, id, 'sentitems');
  else {
    mailbox.messages.delete(id);
    const seq = state.touch(mailbox, { kind: 'message', changeType: 'deleted', id, folder: 'drafts' });
    mailbox.removed.push({ id, folder: 'drafts', seq });
  }
  deliver(state, mailbox, stored);
}

/** POST /users/{id}/sendMail. */
export function sendMail(
  state: EmulatorState,
  mailbox: Mailbox,
  message: Json,
  saveToSentItems: boolean,
): void {
  const draft = createMessage(state, mailbox, message);
  sendDraft(state, mailbox, String(draft.data.id), saveToSentItems);
}

function transportHeaders(
  sender: Mailbox,
  stored: StoredMessage,
  sentAt: string,
): { name: string; value: string }[] {
  const d = stored.data;
  const list = (field: string) =>
    addresses(d[field])
      .map((r) =>
        r.emailAddress.name ? `${r.emailAddress.name} <${r.emailAddress.address}>` : r.emailAddress.address,
      )
      .join(', ');
  const from = (d.from as Recipient | undefined)?.emailAddress ?? {
    address: sender.email,
    name: sender.displayName,
  };
  const headers = [
    { name: 'From', value: from.name ? `${from.name} <${from.address}>` : from.address },
    { name: 'To', value: list('toRecipients') },
    ...(addresses(d.ccRecipients).length ? [{ name: 'CC', value: list('ccRecipients') }] : []),
    { name: 'Subject', value: String(d.subject ?? '') },
    { name: 'Date', value: new Date(sentAt).toUTCString().replace('GMT', '+0000') },
    { name: 'Message-ID', value: String(d.internetMessageId) },
    ...(stored.inReplyTo ? [{ name: 'In-Reply-To', value: stored.inReplyTo }] : []),
    ...(stored.references.length ? [{ name: 'References', value: stored.references.join(' ') }] : []),
    { name: 'Thread-Topic', value: String(d.subject ?? '').replace(/^(re|fw|fwd):\s*/i, '') },
    ...(d.importance === 'high'
      ? [
          { name: 'Importance', value: 'high' },
          { name: 'X-Priority', value: '1' },
        ]
      : []),
    {
      name: 'Content-Type',
      value:
        (d.body as ItemBody).contentType === 'html'
          ? 'text/html; charset="utf-8"'
          : 'text/plain; charset="utf-8"',
    },
    { name: 'MIME-Version', value: '1.0' },
  ];
  return [
    ...headers,
    ...(Array.isArray(d.internetMessageHeaders)
      ? (d.internetMessageHeaders as { name: string; value: string }[])
      : []),
  ];
}

/** Puts a copy of `stored` in every recipient's inbox. */
export function deliver(state: EmulatorState, sender: Mailbox, stored: StoredMessage): void {
  const d = stored.data;
  const sentAt = String(d.sentDateTime ?? state.clock.now().toISOString());
  const headers = transportHeaders(sender, stored, sentAt);
  const seen = new Set<string>();
  for (const field of ['toRecipients', 'ccRecipients', 'bccRecipients']) {
    for (const r of addresses(d[field])) {
      const address = r.emailAddress.address.toLowerCase();
      if (seen.has(address)) continue;
      seen.add(address);
      const target = state.ensureMailbox(address, r.emailAddress.name);
      const senderAddress = sender.email.toLowerCase();
      const folder =
        target.rules.find((rule) => !rule.from || rule.from.toLowerCase() === senderAddress)?.moveTo ??
        'inbox';
      const id = itemId();
      const copy: Json = {
        ...d,
        id,
        createdDateTime: sentAt,
        lastModifiedDateTime: sentAt,
        receivedDateTime: state.clock.now().toISOString(),
        changeKey: changeKey(),
        parentFolderId: target.folderIds[folder],
        isRead: false,
        isDraft: false,
        bccRecipients: [],
        internetMessageHeaders: headers,
        singleValueExtendedProperties: [],
        multiValueExtendedProperties: [],
        webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
      };
      const copyStored: StoredMessage = {
        folder,
        seq: 0,
        data: copy,
        references: stored.references,
        ...(stored.inReplyTo ? { inReplyTo: stored.inReplyTo } : {}),
      };
      target.messages.set(id, copyStored);
      copyStored.seq = state.touch(target, { kind: 'message', changeType: 'created', id, folder });
      copyStored.createdSeq = copyStored.seq;
    }
  }
}

export interface ReplyOptions {
  comment?: string;
  message?: Json;
  all?: boolean;
}

/** createReply / createReplyAll: a draft in the same conversation, quoting the original. */
export function createReplyDraft(
  state: EmulatorState,
  mailbox: Mailbox,
  id: string,
  options: ReplyOptions,
): StoredMessage {
  const original = getMessage(mailbox, id).data;
  if (options.comment !== undefined && options.message?.body !== undefined)
    throw badRequest(
      "The 'comment' parameter and the 'body' of the 'message' parameter cannot both be set.",
      'ErrorInvalidArgument',
    );
  const replyTo = addresses(original.replyTo);
  const from = original.from as Recipient | undefined;
  const self = mailbox.email;
  let to: Recipient[] = replyTo.length ? replyTo : from ? [from] : [];
  let cc: Recipient[] = [];
  if (options.all) {
    const others = (list: Recipient[]) => list.filter((r) => r.emailAddress.address.toLowerCase() !== self);
    to = dedupe([...to, ...others(addresses(original.toRecipients))]);
    cc = others(addresses(original.ccRecipients));
  }
  // Replying to one's own sent message goes to its recipients.
  if (to.every((r) => r.emailAddress.address.toLowerCase() === self)) to = addresses(original.toRecipients);
  const originalBody = original.body as ItemBody;
  const subject = String(original.subject ?? '');
  const comment = options.comment ?? '';
  const sent = String(original.sentDateTime ?? original.receivedDateTime ?? '');
  const fromText = from
    ? `${from.emailAddress.name ?? from.emailAddress.address} <${from.emailAddress.address}>`
    : '';
  const toText = addresses(original.toRecipients)
    .map((r) => r.emailAddress.name ?? r.emailAddress.address)
    .join('; ');
  const when = sent ? new Date(sent).toUTCString() : '';
  const body: ItemBody =
    originalBody.contentType === 'html'
      ? {
          contentType: 'html',
          content: `<html><head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body><div dir="ltr">${escapeHtml(comment).replace(/\r?\n/g, '<br>')}</div><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><b>From:</b> ${escapeHtml(fromText)}<br><b>Sent:</b> ${escapeHtml(when)}<br><b>To:</b> ${escapeHtml(toText)}<br><b>Subject:</b> ${escapeHtml(subject)}<div>&nbsp;</div></div>${innerHtml(originalBody)}</body></html>`,
        }
      : {
          contentType: 'text',
          content: `${comment}\r\n\r\n________________________________\r\nFrom: ${fromText}\r\nSent: ${when}\r\nTo: ${toText}\r\nSubject: ${subject}\r\n\r\n${originalBody.content}`,
        };
  const references = [...referencesOf(mailbox, id), String(original.internetMessageId)];
  const draft = createMessage(
    state,
    mailbox,
    {
      subject: /^re:/i.test(subject) ? subject : `RE: ${subject}`,
      toRecipients: to,
      ccRecipients: cc,
      importance: original.importance ?? 'normal',
      body,
      ...withoutExtendedProperties(options.message),
    },
    {
      conversationId: String(original.conversationId),
      inReplyTo: String(original.internetMessageId),
      references,
    },
  );
  const uniqueText = options.message?.body
    ? normaliseBody(options.message.body)
    : { contentType: 'text' as const, content: comment };
  draft.data.uniqueBody =
    body.contentType === 'html' && uniqueText.contentType === 'text'
      ? { contentType: 'html', content: `<div dir="ltr">${escapeHtml(uniqueText.content)}</div>` }
      : uniqueText;
  return draft;
}

/**
 * createReply's `message` takes "any writeable properties" of the reply; extended properties are
 * not among them (Microsoft documents creating them with POST or PATCH of the item, never through an
 * action's parameter), so the emulator does not apply them there: a client must PATCH them on.
 */
function withoutExtendedProperties(message: Json | undefined): Json {
  if (!message) return {};
  const { singleValueExtendedProperties: _s, multiValueExtendedProperties: _m, ...rest } = message;
  return rest;
}

function referencesOf(mailbox: Mailbox, id: string): string[] {
  return mailbox.messages.get(id)?.references ?? [];
}

function dedupe(list: Recipient[]): Recipient[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const key = r.emailAddress.address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** reply / replyAll: createReply, then send. */
export function replyNow(
  state: EmulatorState,
  mailbox: Mailbox,
  id: string,
  options: ReplyOptions,
): StoredMessage {
  const draft = createReplyDraft(state, mailbox, id, options);
  sendDraft(state, mailbox, String(draft.data.id));
  return draft;
}

export interface RenderOptions {
  select?: readonly string[];
  expand?: readonly ExpandItem[];
  prefer?: string;
  /** Renders the event an eventMessage points to, for `$expand=microsoft.graph.eventMessage/event`. */
  renderEvent?: (eventId: string) => Json | undefined;
}

const HIDDEN_BY_DEFAULT = [
  'internetMessageHeaders',
  'uniqueBody',
  'singleValueExtendedProperties',
  'multiValueExtendedProperties',
  'attachments',
];

/** The Graph JSON of a stored message, honouring $select, $expand and Prefer. */
export function renderMessage(stored: StoredMessage, options: RenderOptions = {}): Json {
  const d = stored.data;
  const selected = new Set((options.select ?? []).map((s) => s.toLowerCase()));
  const out: Json = { '@odata.etag': `W/"${String(d.changeKey)}"` };
  if (typeof d['@odata.type'] === 'string') out['@odata.type'] = d['@odata.type'];
  for (const [key, value] of Object.entries(d)) {
    if (key.startsWith('@')) continue;
    if (HIDDEN_BY_DEFAULT.includes(key) && !selected.has(key.toLowerCase())) continue;
    if (key.startsWith('_')) continue;
    out[key] = value;
  }
  if (out.body) out.body = renderBody(out.body as ItemBody, options.prefer);
  if (out.uniqueBody) out.uniqueBody = renderBody(out.uniqueBody as ItemBody, options.prefer);
  if (
    !d.internetMessageHeaders ||
    (Array.isArray(d.internetMessageHeaders) && d.internetMessageHeaders.length === 0)
  )
    if (selected.has('internetmessageheaders')) out.internetMessageHeaders = [];
  for (const expand of options.expand ?? []) {
    const name = expand.name.replace(/^microsoft\.graph\.\w+\//, '');
    if (name.toLowerCase() === 'event' && typeof d._eventId === 'string') {
      const event = options.renderEvent?.(d._eventId);
      if (event) out.event = event;
      continue;
    }
    const key = HIDDEN_BY_DEFAULT.find((k) => k.toLowerCase() === name.toLowerCase());
    if (!key || key === 'internetMessageHeaders' || key === 'uniqueBody') continue;
    let items = Array.isArray(d[key]) ? (d[key] as Json[]) : [];
    if (expand.options.filter) {
      const filter = parseFilter(expand.options.filter);
      items = items.filter((item) => matchesFilter(filter, item));
    }
    out[key] = items;
  }
  return applySelect(out, options.select, ['id', 'event', ...(options.expand ?? []).map((e) => e.name)]);
}

/** Plain text of a message body (for the UI). */
export const bodyText = (stored: StoredMessage) => {
  const body = stored.data.body as ItemBody;
  return body.contentType === 'html' ? htmlToText(body.content) : body.content;
};
