/**
 * Message bodies as Exchange serves them: HTML by default, text on
 * `Prefer: outlook.body-content-type="text"`.
 */

export interface ItemBody {
  contentType: 'text' | 'html';
  content: string;
}

export const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string,
  );

export function textToHtml(text: string): string {
  const inner = escapeHtml(text).replace(/\r?\n/g, '<br>\r\n');
  return `<html><head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body><div dir="ltr">${inner}</div></body></html>`;
}

export function htmlToText(html: string): string {
  return html
    .replace(/<head[\s\S]*?<\/head>/gi, '')
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>(\r?\n)?/gi, '\r\n')
    .replace(/<hr[^>]*>/gi, '\r\n________________________________\r\n')
    .replace(/<\/(p|div|tr|h\d|li)>/gi, '\r\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/(\r\n){3,}/g, '\r\n\r\n')
    .trim();
}

/** The body in the content type a client prefers (Graph's default is HTML). */
export function renderBody(body: ItemBody, prefer: string | undefined): ItemBody {
  const wantsText = /outlook\.body-content-type="?text"?/i.test(prefer ?? '');
  if (wantsText)
    return body.contentType === 'text' ? body : { contentType: 'text', content: htmlToText(body.content) };
  return body.contentType === 'html' ? body : { contentType: 'html', content: textToHtml(body.content) };
}

/** Graph's bodyPreview: the first 255 characters of the text. */
export function preview(body: ItemBody): string {
  const text = body.contentType === 'html' ? htmlToText(body.content) : body.content;
  return text.replace(/\s+/g, ' ').trim().slice(0, 255);
}

/** The inner HTML of a body, for quoting in a reply. */
export function innerHtml(body: ItemBody): string {
  if (body.contentType === 'text') return escapeHtml(body.content).replace(/\r?\n/g, '<br>');
  const m = /<body[^>]*>([\s\S]*)<\/body>/i.exec(body.content);
  return m?.[1] ?? body.content;
}
