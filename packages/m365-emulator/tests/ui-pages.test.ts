/** The UI's pages escape every value (runs without a browser). */
import { describe, expect, it } from 'vitest';
import { calendarPage, mailboxListPage, messageListPage, messagePage } from '../src/ui/pages.ts';

const evil = '<script>alert("x")</script>&\'';
const owner = { email: 'a@b.example', displayName: evil };

describe('UI pages', () => {
  it('escape names, subjects, bodies and ids', () => {
    const pages = [
      mailboxListPage([
        { email: 'a@b.example', displayName: evil, organisation: evil, kind: 'user', unread: 1, host: true },
      ]),
      messageListPage(owner, 'inbox', [
        { id: evil, from: evil, subject: evil, received: evil, unread: true, importance: 'high', kind: evil },
      ]),
      messagePage(owner, {
        id: evil,
        folder: 'inbox',
        from: evil,
        to: evil,
        cc: evil,
        subject: evil,
        received: evil,
        importance: 'high',
        text: evil,
        kind: 'meeting request',
        event: { id: evil, response: evil, start: evil, end: evil, cancelled: false },
      }),
      calendarPage(owner, [
        {
          id: evil,
          subject: evil,
          start: evil,
          end: evil,
          organiser: evil,
          isOrganiser: false,
          response: evil,
          cancelled: false,
          attendees: [],
        },
      ]),
    ];
    for (const html of pages) {
      expect(html).not.toContain('<script>');
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    }
  });
});
