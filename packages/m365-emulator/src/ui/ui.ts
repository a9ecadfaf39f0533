/**
 * The emulator's web UI under /_emulator/ui: plain server-rendered HTML forms, no scripts. A person picks
 * a mailbox, reads its mail, replies as that person, sends new mail, and accepts or declines invitations.
 * This is how a newcomer plays the other agency in local mode.
 *
 * POSTs carrying an Origin header from another site are refused (a cheap CSRF guard for a local tool).
 */
import { getEvent, type ResponseAction, respondToEvent, type TimeSlot } from '../calendar.ts';
import { GraphError } from '../graph-error.ts';
import { type HttpRequest, type HttpResponse, header, html } from '../http.ts';
import { bodyText, createMessage, type Recipient, replyNow, sendDraft } from '../mail.ts';
import type { Services } from '../router.ts';
import type { Mailbox, StoredEvent, StoredMessage } from '../state.ts';
import { type DateTimeTimeZone, fromInstant, toInstant } from '../time-zones.ts';
import {
  calendarPage,
  composePage,
  type EventRow,
  errorPage,
  type MessageRow,
  mailboxListPage,
  messageListPage,
  messagePage,
} from './pages.ts';

export interface Ui {
  handle(req: HttpRequest): Promise<HttpResponse>;
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const page = (status: number, body: string): HttpResponse => {
  const r = html(status, body);
  return { ...r, headers: { ...r.headers, ...SECURITY_HEADERS } };
};

const redirect = (location: string, flash?: string): HttpResponse => ({
  status: 303,
  headers: {
    location: flash
      ? `${location}${location.includes('?') ? '&' : '?'}flash=${encodeURIComponent(flash)}`
      : location,
  },
});

const names = (list: unknown) =>
  (Array.isArray(list) ? (list as Recipient[]) : [])
    .map((r) =>
      r.emailAddress.name && r.emailAddress.name !== r.emailAddress.address
        ? `${r.emailAddress.name} <${r.emailAddress.address}>`
        : r.emailAddress.address,
    )
    .join('; ');

const when = (iso: unknown) =>
  typeof iso === 'string'
    ? iso
        .replace('T', ' ')
        .replace(/\.\d+Z?$|Z$/, '')
        .slice(0, 16)
    : '';

function kindOf(m: StoredMessage): string {
  const type = String(m.data['@odata.type'] ?? '');
  if (type.endsWith('eventMessageRequest')) return 'meeting request';
  if (type.endsWith('eventMessageResponse')) return 'meeting response';
  if (type.endsWith('eventMessage')) return 'meeting update';
  return '';
}

export function createUi(services: Services): Ui {
  const { state } = services;
  const organisationOf = (m: Mailbox) => m.companyName ?? m.email.slice(m.email.indexOf('@') + 1);

  function mailboxOrThrow(key: string): Mailbox {
    const m = state.find(key);
    if (!m) throw new GraphError(404, 'NotFound', `There is no mailbox ${key}.`);
    return m;
  }

  function eventRow(ev: StoredEvent): EventRow {
    const d = ev.data;
    const attendees = (Array.isArray(d.attendees) ? d.attendees : []) as {
      emailAddress: { address: string };
      status: { response: string };
    }[];
    return {
      id: String(d.id),
      subject: String(d.subject ?? ''),
      start: when((d.start as { dateTime: string }).dateTime),
      end: when((d.end as { dateTime: string }).dateTime),
      organiser: names([d.organizer]),
      isOrganiser: d.isOrganizer === true,
      response: String((d.responseStatus as { response?: string } | undefined)?.response ?? ''),
      cancelled: d.isCancelled === true,
      attendees: attendees.map((a) => ({ address: a.emailAddress.address, response: a.status.response })),
      ...(d.onlineMeeting ? { joinUrl: String((d.onlineMeeting as { joinUrl: string }).joinUrl) } : {}),
    };
  }

  async function route(req: HttpRequest): Promise<HttpResponse> {
    const path = req.url.pathname.replace(/\/$/, '');
    const flash = req.url.searchParams.get('flash') ?? undefined;
    if (path === '' || path === '/_emulator/ui') {
      if (req.url.pathname === '/') return redirect('/_emulator/ui');
      const rows = state.listMailboxes().map((m) => ({
        email: m.email,
        displayName: m.displayName,
        organisation: organisationOf(m),
        kind: m.kind,
        host: m.tenantId === state.hostTenantId,
        unread: [...m.messages.values()].filter((x) => x.folder === 'inbox' && x.data.isRead === false)
          .length,
      }));
      rows.sort((a, b) => Number(b.host) - Number(a.host) || a.organisation.localeCompare(b.organisation));
      return page(200, mailboxListPage(rows));
    }
    const match = /^\/_emulator\/ui\/mailbox\/([^/]+)(?:\/(.*))?$/.exec(path);
    if (!match) return page(404, errorPage(404, 'No such page.'));
    const owner = mailboxOrThrow(decodeURIComponent(match[1] as string));
    const rest = (match[2] ?? '').split('/').map(decodeURIComponent);
    const form = new URLSearchParams(req.method === 'POST' ? req.rawBody : '');

    if (req.method === 'GET' && rest[0] === '') {
      const folder = req.url.searchParams.get('folder') ?? 'inbox';
      const rows: MessageRow[] = [...owner.messages.values()]
        .filter((m) => m.folder === folder)
        .sort((a, b) => String(b.data.receivedDateTime).localeCompare(String(a.data.receivedDateTime)))
        .map((m) => ({
          id: String(m.data.id),
          from: names([m.data.from]),
          subject: String(m.data.subject ?? ''),
          received: when(m.data.receivedDateTime),
          unread: m.data.isRead === false,
          importance: String(m.data.importance ?? 'normal'),
          kind: kindOf(m),
        }));
      return page(200, messageListPage(owner, folder, rows, flash));
    }
    if (req.method === 'GET' && rest[0] === 'calendar') {
      const events = [...owner.events.values()].sort((a, b) =>
        String((a.data.start as { dateTime: string }).dateTime).localeCompare(
          String((b.data.start as { dateTime: string }).dateTime),
        ),
      );
      return page(200, calendarPage(owner, events.map(eventRow), flash));
    }
    if (req.method === 'GET' && rest[0] === 'compose') return page(200, composePage(owner));
    if (req.method === 'POST' && rest[0] === 'send') {
      const to = (form.get('to') ?? '')
        .split(/[;,]/)
        .map((s) => s.trim())
        .filter(Boolean);
      if (!to.length) return page(400, errorPage(400, 'Give at least one recipient.'));
      const cc = (form.get('cc') ?? '')
        .split(/[;,]/)
        .map((s) => s.trim())
        .filter(Boolean);
      const draft = createMessage(state, owner, {
        subject: form.get('subject') ?? '',
        body: { contentType: 'text', content: form.get('body') ?? '' },
        toRecipients: to.map((address) => ({ emailAddress: { address } })),
        ccRecipients: cc.map((address) => ({ emailAddress: { address } })),
        importance: form.get('importance') === 'high' ? 'high' : 'normal',
      });
      sendDraft(state, owner, String(draft.data.id));
      return redirect(
        `/_emulator/ui/mailbox/${encodeURIComponent(owner.email)}?folder=sentitems`,
        'Message sent.',
      );
    }
    if (rest[0] === 'message' && rest[1]) {
      const stored = owner.messages.get(rest[1]);
      if (!stored) return page(404, errorPage(404, 'No such message.'));
      if (req.method === 'POST' && rest[2] === 'reply') {
        const comment = form.get('comment') ?? '';
        replyNow(state, owner, rest[1], {
          comment,
          all: form.get('all') === 'true',
          // The procedures ask for High Importance both ways; the counterpart chooses, as in Outlook.
          message: { importance: form.get('importance') === 'high' ? 'high' : 'normal' },
        });
        return redirect(`/_emulator/ui/mailbox/${encodeURIComponent(owner.email)}`, 'Reply sent.');
      }
      if (req.method === 'GET' && rest.length === 2) {
        if (stored.data.isRead === false) stored.data = { ...stored.data, isRead: true };
        const eventId = typeof stored.data._eventId === 'string' ? stored.data._eventId : undefined;
        const ev = eventId ? owner.events.get(eventId) : undefined;
        const isRequest = kindOf(stored) === 'meeting request';
        return page(
          200,
          messagePage(
            owner,
            {
              id: String(stored.data.id),
              folder: stored.folder,
              from: names([stored.data.from]),
              to: names(stored.data.toRecipients),
              cc: names(stored.data.ccRecipients),
              subject: String(stored.data.subject ?? ''),
              received: when(stored.data.receivedDateTime),
              importance: String(stored.data.importance ?? 'normal'),
              text: bodyText(stored),
              ...((stored.data.body as { contentType?: string } | undefined)?.contentType === 'html'
                ? { html: String((stored.data.body as { content?: unknown }).content ?? '') }
                : {}),
              kind: kindOf(stored),
              ...(ev && isRequest
                ? {
                    event: {
                      id: String(ev.data.id),
                      response: eventRow(ev).response,
                      start: eventRow(ev).start,
                      end: eventRow(ev).end,
                      cancelled: ev.data.isCancelled === true,
                    },
                  }
                : {}),
            },
            flash,
          ),
        );
      }
    }
    if (req.method === 'POST' && rest[0] === 'event' && rest[1] && rest[2] === 'respond') {
      const response = form.get('response') as ResponseAction | null;
      if (!response || !['accept', 'tentativelyAccept', 'decline'].includes(response))
        return page(400, errorPage(400, 'Choose accept, tentative or decline.'));
      const comment = form.get('comment');
      const proposedStart = form.get('proposedStart');
      // A proposed time keeps the meeting's length, in UK time, as Outlook's "Propose new time" does.
      const proposedNewTime =
        proposedStart && response !== 'accept' ? proposalFrom(owner, rest[1], proposedStart) : undefined;
      respondToEvent(state, owner, rest[1], response, {
        ...(comment ? { comment } : {}),
        ...(proposedNewTime ? { proposedNewTime } : {}),
      });
      const back = form.get('back') ?? '';
      const label = { accept: 'Accepted', tentativelyAccept: 'Tentatively accepted', decline: 'Declined' }[
        response
      ];
      return redirect(
        back.startsWith('/_emulator/ui/')
          ? back
          : `/_emulator/ui/mailbox/${encodeURIComponent(owner.email)}/calendar`,
        `${label}.`,
      );
    }
    return page(404, errorPage(404, 'No such page.'));
  }

  return {
    async handle(req) {
      if (req.method === 'POST') {
        const origin = header(req, 'origin');
        if (origin && origin !== 'null' && !sameEmulator(origin, services.origin()))
          return page(403, errorPage(403, 'Cross-site form posts are refused.'));
      }
      try {
        return await route(req);
      } catch (error) {
        if (error instanceof GraphError) return page(error.status, errorPage(error.status, error.message));
        throw error;
      }
    },
  };
}

/** The same emulator reached as 127.0.0.1, localhost or [::1]. */
function sameEmulator(origin: string, own: string): boolean {
  try {
    const a = new URL(origin);
    const b = new URL(own);
    const loopback = (h: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(h);
    return a.protocol === b.protocol && a.port === b.port && loopback(a.hostname) && loopback(b.hostname);
  } catch {
    return false;
  }
}

/** A proposed start (datetime-local, UK time) as a timeSlot as long as the meeting. */
function proposalFrom(owner: Mailbox, eventId: string, start: string): TimeSlot {
  const event = getEvent(owner, eventId);
  const length =
    toInstant(event.data.end as DateTimeTimeZone).getTime() -
    toInstant(event.data.start as DateTimeTimeZone).getTime();
  const from = toInstant({ dateTime: start, timeZone: 'Europe/London' });
  return { start: fromInstant(from, 'UTC'), end: fromInstant(new Date(from.getTime() + length), 'UTC') };
}
