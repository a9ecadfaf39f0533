import { describe, expect, it } from 'vitest';
import { replyText } from '../../src/email/reply-text.ts';

describe('replyText', () => {
  it('strips an Outlook HTML quoted block', () => {
    const content =
      '<html><head><meta charset="utf-8"></head><body><div dir="ltr">We agree:<br>1. Review by 4 Dec &amp; report</div>' +
      '<hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><b>From:</b> Team Manager &lt;tm@ane.example&gt;<br>' +
      '<b>Sent:</b> Mon, 23 Nov 2026 10:00:00 GMT<br><b>To:</b> X<br><b>Subject:</b> Stage 1<div>&nbsp;</div></div><p>The original statement</p></body></html>';
    expect(replyText({ contentType: 'html', content })).toBe('We agree:\n1. Review by 4 Dec & report');
  });

  it('strips "On … wrote:" and > quotes', () => {
    expect(
      replyText({
        contentType: 'text',
        content:
          'Thanks, agreed.\r\n\r\nOn Mon, 23 Nov 2026 at 10:00, TM <tm@x.example> wrote:\r\n> old\r\n> older',
      }),
    ).toBe('Thanks, agreed.');
  });

  it('strips -----Original Message-----', () => {
    expect(
      replyText({
        contentType: 'text',
        content: 'Reply here\n\n-----Original Message-----\nFrom: a\nSent: b\n\nold',
      }),
    ).toBe('Reply here');
  });

  it('keeps a reply with no history whole', () => {
    expect(replyText({ contentType: 'text', content: 'Line one\nLine two' })).toBe('Line one\nLine two');
  });
});
