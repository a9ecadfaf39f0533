/**
 * Email rendering: an `EmailView` (plain data from the domain) to a subject and an HTML body.
 *
 * Rules (DESIGN.md, "Minimise data"; issue 5):
 * - every value is HTML-escaped, labels included: nothing in a view is trusted markup;
 * - the case reference identifies the case; the view carries no names, and the renderer adds none;
 * - a response deadline is stated as a date in words with the timescale, e.g.
 *   "Please respond by Monday 30 November 2026 (within 5 working days).";
 * - the procedure's required content appears under its own labels (`view.fields`).
 *
 * @example
 * const { subject, html } = renderEmail({ template: 'stage-statement', view });
 */
import type { EmailTemplate, EmailView } from '../domain/dispute/types.ts';
import { dateInWords, instantDateInWords, londonTime } from './dates.ts';
import { escapeHtml, escapeMultiline } from './escape.ts';

export interface RenderedEmail {
  readonly subject: string;
  readonly html: string;
}

const LEADS: Record<EmailTemplate, (view: EmailView) => string> = {
  'stage-statement': (v) =>
    `This is a formal professional dispute raised under the ${v.procedureName}, ${v.stageName}.`,
  acknowledgement: (v) => `Acknowledgement of your response under the ${v.procedureName}, ${v.stageName}.`,
  chase: (v) => `Reminder: a response is awaited under the ${v.procedureName}, ${v.stageName}.`,
  letter: (v) => `Correspondence under the ${v.procedureName}, ${v.stageName}.`,
  discussion: (v) =>
    `A professional dispute has reached ${v.stageName} of the ${v.procedureName}, and it involves you.`,
  inform: (v) =>
    `For your information: a professional dispute has reached ${v.stageName} of the ${v.procedureName}.`,
  referral: (v) => `Referral under the ${v.procedureName}.`,
  'written-confirmation': (v) => `Written confirmation of the outcome under the ${v.procedureName}.`,
};

/** Renders one email. Pure. */
export function renderEmail(input: {
  readonly template: EmailTemplate;
  readonly view: EmailView;
}): RenderedEmail {
  const { view } = input;
  const parts: string[] = [];
  parts.push(`<p>${escapeHtml(LEADS[input.template](view))}</p>`);
  parts.push(`<p><strong>Case reference:</strong> ${escapeHtml(view.caseReference)}</p>`);
  for (const paragraph of view.paragraphs) parts.push(`<p>${escapeMultiline(paragraph)}</p>`);
  if (view.fields.length > 0) {
    const rows = view.fields
      .map(
        (f) =>
          `<tr><th style="text-align:left;vertical-align:top;padding:4px 12px 4px 0">${escapeHtml(f.label)}</th>` +
          `<td style="vertical-align:top;padding:4px 0">${escapeMultiline(f.value)}</td></tr>`,
      )
      .join('');
    parts.push(`<table role="presentation" style="border-collapse:collapse">${rows}</table>`);
  }
  const deadline = responseDeadline(view);
  if (deadline) parts.push(`<p><strong>${escapeHtml(deadline)}</strong></p>`);
  if (view.overallDue)
    parts.push(
      `<p>${escapeHtml(`The whole formal process should be completed by ${instantDateInWords(view.overallDue)}.`)}</p>`,
    );
  parts.push(
    `<p style="color:#555">${escapeHtml(
      `Please reply to this email to respond; keep the case reference ${view.caseReference} in any correspondence. This email was sent through Concord for the ${view.procedureName}.`,
    )}</p>`,
  );
  const html = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>${parts.join('')}</body></html>`;
  return { subject: oneLine(view.subject), html };
}

/**
 * The sentence stating the response deadline, or null when the step asks for no response.
 * @example responseDeadline(view) // 'Please respond by Monday 30 November 2026 (within 5 working days).'
 */
export function responseDeadline(view: Pick<EmailView, 'responseDue'>): string | null {
  const due = view.responseDue;
  if (!due) return null;
  if (due.hours !== undefined) {
    // "Resolved immediately" or "within 24 hours": a time of day, not the end of a day.
    const within = ` (within ${due.hours} ${due.hours === 1 ? 'hour' : 'hours'})`;
    return `Please respond by ${londonTime(due.due)} on ${instantDateInWords(due.due)}${within}.`;
  }
  const days =
    due.workingDays === null
      ? ''
      : ` (within ${due.workingDays} working ${due.workingDays === 1 ? 'day' : 'days'})`;
  return `Please respond by ${dateInWords(due.dueDate)}${days}.`;
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}
