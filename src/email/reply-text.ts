/**
 * The new text of a reply, with the quoted history stripped: what the counterpart actually wrote.
 * Bodies come from Graph as HTML (or text); they are flattened to text, then email-reply-parser
 * removes quoted history ("On … wrote:", "> …", Outlook's "From: … Sent: …" block, "-----Original
 * Message-----") and signatures.
 *
 * @example
 * replyText({ contentType: 'text', content: 'Agreed.\n\nOn Mon, … wrote:\n> old' }); // 'Agreed.'
 */
import EmailReplyParser from 'email-reply-parser';

export interface MessageBody {
  readonly contentType: 'text' | 'html' | string;
  readonly content: string;
}

/** Replies longer than this are cut (the record keeps the practice issue, not an essay). */
const MAX_LENGTH = 20_000;

export function replyText(body: MessageBody): string {
  const text = body.contentType.toLowerCase() === 'html' ? htmlToText(body.content) : body.content;
  const visible = new EmailReplyParser().parseReply(text.replace(/\r\n?/g, '\n'));
  return visible
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .slice(0, MAX_LENGTH);
}

/** A small HTML-to-text flattening, enough for mail bodies; entities decoded once. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<head[\s\S]*?<\/head>/gi, '')
      .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<hr[^>]*>/gi, '\n________________________________\n')
      .replace(/<blockquote[\s\S]*<\/blockquote>/gi, '\n')
      .replace(/<\/(p|div|tr|h\d|li|table)>/gi, '\n')
      .replace(/<[^>]+>/g, ''),
  )
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith('#x')) return safeCodePoint(Number.parseInt(lower.slice(2), 16), whole);
    if (lower.startsWith('#')) return safeCodePoint(Number.parseInt(lower.slice(1), 10), whole);
    return NAMED[lower] ?? whole;
  });
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function safeCodePoint(code: number, fallback: string): string {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}
