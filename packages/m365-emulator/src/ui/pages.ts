/**
 * The UI's pages as pure functions of data to HTML. Every value is escaped with `e`.
 */
import { escapeHtml as e } from '../body-format.ts';

export interface MailboxRow {
  email: string;
  displayName: string;
  organisation: string;
  kind: string;
  unread: number;
  host: boolean;
}

export interface MessageRow {
  id: string;
  from: string;
  subject: string;
  received: string;
  unread: boolean;
  importance: string;
  kind: string;
}

export interface MessageView {
  id: string;
  folder: string;
  from: string;
  to: string;
  cc: string;
  subject: string;
  received: string;
  importance: string;
  text: string;
  /** The HTML body as sent, for a message whose body is HTML: shown in a sandboxed frame, as Outlook would. */
  html?: string;
  kind: string;
  /** For a meeting request: the attendee's event id and current response. */
  event?: { id: string; response: string; start: string; end: string; cancelled: boolean };
}

export interface EventRow {
  id: string;
  subject: string;
  start: string;
  end: string;
  organiser: string;
  isOrganiser: boolean;
  response: string;
  cancelled: boolean;
  attendees: { address: string; response: string }[];
  joinUrl?: string;
}

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f5f5f7}
header{background:#3b3a8f;color:#fff;padding:.6rem 1rem}header a{color:#fff;text-decoration:none}
main{padding:1rem;max-width:60rem}table{border-collapse:collapse;width:100%;background:#fff}
td,th{padding:.35rem .5rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
tr.unread td{font-weight:600}.flash{background:#e6f4ea;border:1px solid #9ccaa8;padding:.5rem;margin-bottom:1rem}
nav a{margin-right:1rem}pre{white-space:pre-wrap;background:#fff;padding:1rem;border:1px solid #ddd}
.high{color:#b00020;font-weight:700}form.inline{display:inline}button{margin-right:.4rem}
textarea,input[type=text]{width:100%;box-sizing:border-box}.muted{color:#666}`;

export function layout(title: string, body: string, flash?: string): string {
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${e(title)} · Microsoft 365 emulator</title><style>${STYLE}</style></head><body><header><a href="/_emulator/ui">Microsoft 365 emulator</a> · <span>${e(title)}</span></header><main>${flash ? `<p class="flash" role="status">${e(flash)}</p>` : ''}${body}</main></body></html>`;
}

const mailboxHref = (email: string, suffix = '') =>
  `/_emulator/ui/mailbox/${encodeURIComponent(email)}${suffix}`;

export function mailboxListPage(rows: MailboxRow[]): string {
  const groups = new Map<string, MailboxRow[]>();
  for (const r of rows) groups.set(r.organisation, [...(groups.get(r.organisation) ?? []), r]);
  const sections = [...groups]
    .map(
      ([org, list]) =>
        `<h2>${e(org)}</h2><table><tbody>${list
          .map(
            (r) =>
              `<tr><td><a href="${e(mailboxHref(r.email))}">${e(r.displayName)}</a></td><td>${e(r.email)}</td><td>${r.host ? 'host tenant' : 'external'}${r.kind === 'user' ? '' : ` · ${e(r.kind)}`}</td><td>${r.unread ? `${r.unread} unread` : ''}</td></tr>`,
          )
          .join('')}</tbody></table>`,
    )
    .join('');
  return layout(
    'Mailboxes',
    `<p>Pick a mailbox to read its mail, reply as that person, or answer invitations.</p>${sections}`,
  );
}

function mailboxNav(email: string, current: string): string {
  const links = [
    ['inbox', 'Inbox'],
    ['sentitems', 'Sent Items'],
    ['drafts', 'Drafts'],
    ['calendar', 'Calendar'],
    ['compose', 'New message'],
  ]
    .map(([key, label]) => {
      const href =
        key === 'calendar' || key === 'compose'
          ? mailboxHref(email, `/${key}`)
          : mailboxHref(email, `?folder=${key}`);
      return key === current
        ? `<strong>${e(label as string)}</strong>`
        : `<a href="${e(href)}">${e(label as string)}</a>`;
    })
    .join(' ');
  return `<nav aria-label="Folders">${links}</nav>`;
}

export function messageListPage(
  owner: { email: string; displayName: string },
  folder: string,
  rows: MessageRow[],
  flash?: string,
): string {
  const table = rows.length
    ? `<table><thead><tr><th>From</th><th>Subject</th><th>Received</th></tr></thead><tbody>${rows
        .map(
          (r) =>
            `<tr class="${r.unread ? 'unread' : ''}"><td>${e(r.from)}</td><td>${r.importance === 'high' ? '<span class="high" title="High importance">!</span> ' : ''}<a href="${e(mailboxHref(owner.email, `/message/${encodeURIComponent(r.id)}`))}">${e(r.subject || '(no subject)')}</a>${r.kind ? ` <span class="muted">${e(r.kind)}</span>` : ''}</td><td>${e(r.received)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p class="muted">No messages.</p>';
  return layout(
    `${owner.displayName} · ${folder}`,
    `<h1>${e(owner.displayName)}</h1>${mailboxNav(owner.email, folder)}${table}`,
    flash,
  );
}

export function messagePage(
  owner: { email: string; displayName: string },
  m: MessageView,
  flash?: string,
): string {
  const base = mailboxHref(owner.email, `/message/${encodeURIComponent(m.id)}`);
  const event = m.event
    ? m.event.cancelled
      ? '<p><strong>This meeting has been cancelled.</strong></p>'
      : `<section aria-label="Invitation"><p>Meeting: ${e(m.event.start)} – ${e(m.event.end)}. Your response: <strong data-testid="response">${e(m.event.response)}</strong></p><form method="post" action="${e(mailboxHref(owner.email, `/event/${encodeURIComponent(m.event.id)}/respond`))}"><input type="hidden" name="back" value="${e(base)}"><label>Comment (optional) <input type="text" name="comment"></label> <label>Propose a new time (UK time; with Tentative or Decline) <input type="datetime-local" name="proposedStart"></label><p><button name="response" value="accept">Accept</button><button name="response" value="tentativelyAccept">Tentative</button><button name="response" value="decline">Decline</button></p></form></section>`
    : '';
  const reply =
    m.folder === 'drafts'
      ? ''
      : `<section aria-label="Reply"><h2>Reply as ${e(owner.displayName)}</h2><form method="post" action="${e(`${base}/reply`)}"><label for="comment">Your reply</label><textarea id="comment" name="comment" rows="6" required></textarea><p><label><input type="checkbox" name="all" value="true"> Reply all</label></p><p><label><input type="checkbox" name="importance" value="high"${m.importance === 'high' ? ' checked' : ''}> High importance</label></p><p><button type="submit">Send reply</button></p></form></section>`;
  const body = `<h1>${m.importance === 'high' ? '<span class="high" title="High importance">!</span> ' : ''}${e(m.subject || '(no subject)')}</h1>${mailboxNav(owner.email, m.folder)}
<table><tbody><tr><th>From</th><td>${e(m.from)}</td></tr><tr><th>To</th><td>${e(m.to)}</td></tr>${m.cc ? `<tr><th>Cc</th><td>${e(m.cc)}</td></tr>` : ''}<tr><th>Received</th><td>${e(m.received)}</td></tr><tr><th>Importance</th><td>${e(m.importance)}</td></tr></tbody></table>
${event}${
  m.html === undefined
    ? `<pre data-testid="body">${e(m.text)}</pre>`
    : // Sandboxed with no permissions: no script, no form, no navigation, no access to this page; the
      // page's CSP also applies inside, so remote images stay blocked, as Outlook blocks them by default.
      `<iframe title="The message as sent (HTML)" data-testid="html-body" sandbox="" referrerpolicy="no-referrer" srcdoc="${e(m.html)}" style="width:100%;min-height:28rem;border:1px solid #ccc;background:#fff"></iframe><details><summary>As plain text</summary><pre data-testid="body">${e(m.text)}</pre></details>`
}${reply}`;
  return layout(m.subject || 'Message', body, flash);
}

export function calendarPage(
  owner: { email: string; displayName: string },
  events: EventRow[],
  flash?: string,
): string {
  const rows = events.length
    ? `<table><thead><tr><th>When (UTC)</th><th>Subject</th><th>Organiser</th><th>Responses</th><th></th></tr></thead><tbody>${events
        .map((ev) => {
          const actions =
            ev.isOrganiser || ev.cancelled
              ? ''
              : `<form class="inline" method="post" action="${e(mailboxHref(owner.email, `/event/${encodeURIComponent(ev.id)}/respond`))}"><input type="hidden" name="back" value="${e(mailboxHref(owner.email, '/calendar'))}"><button name="response" value="accept">Accept</button><button name="response" value="tentativelyAccept">Tentative</button><button name="response" value="decline">Decline</button></form>`;
          const responses = ev.isOrganiser
            ? ev.attendees.map((a) => `${e(a.address)}: ${e(a.response)}`).join('<br>')
            : `you: ${e(ev.response)}`;
          return `<tr><td>${e(ev.start)} – ${e(ev.end)}</td><td>${ev.cancelled ? '<s>' : ''}${e(ev.subject)}${ev.cancelled ? '</s>' : ''}${ev.joinUrl ? ' <span class="muted">(Teams meeting)</span>' : ''}</td><td>${e(ev.organiser)}</td><td>${responses}</td><td>${actions}</td></tr>`;
        })
        .join('')}</tbody></table>`
    : '<p class="muted">No events.</p>';
  return layout(
    `${owner.displayName} · calendar`,
    `<h1>${e(owner.displayName)}</h1>${mailboxNav(owner.email, 'calendar')}${rows}`,
    flash,
  );
}

export function composePage(owner: { email: string; displayName: string }): string {
  return layout(
    `${owner.displayName} · new message`,
    `<h1>${e(owner.displayName)}</h1>${mailboxNav(owner.email, 'compose')}<form method="post" action="${e(mailboxHref(owner.email, '/send'))}"><p><label>To (addresses separated by ;)<input type="text" name="to" required></label></p><p><label>Cc<input type="text" name="cc"></label></p><p><label>Subject<input type="text" name="subject"></label></p><p><label><input type="checkbox" name="importance" value="high"> High importance</label></p><p><label>Message<textarea name="body" rows="8"></textarea></label></p><p><button type="submit">Send</button></p></form>`,
  );
}

export function errorPage(status: number, message: string): string {
  return layout(
    `Error ${status}`,
    `<p>${e(message)}</p><p><a href="/_emulator/ui">Back to mailboxes</a></p>`,
  );
}
