/**
 * The words of a meeting invitation: what every attendee reads in the body of the event Concord
 * books. It carries the case as the emails do (case reference, procedure, stage, the category's
 * label, the issue and the resolution sought; never a child's or adult's name), what the procedure
 * asks of the meeting in its own words, the date it must happen by, how it is held, the agenda, and
 * how to say which other time suits them. Every piece of text is escaped.
 *
 * @example
 * invitationHtml({ title, context, form, agenda, window }, { start, end });
 */
import type { MeetingContext, MeetingForm, MeetingTitle } from '../domain/dispute/email-intents.ts';
import { subjectWords } from '../wording/audience.ts';
import { instantDateInWords, londonTime } from './dates.ts';
import { escapeHtml } from './escape.ts';
import { meetingSubject } from './wording.ts';

export interface InvitationView {
  readonly title?: MeetingTitle;
  readonly subject?: string;
  readonly context?: MeetingContext;
  readonly form?: MeetingForm;
  readonly agenda: readonly string[];
  readonly window: { readonly start: string; readonly end: string };
  /** The convener's name, when Concord organises the meeting on a host calendar for them. */
  readonly onBehalfOf?: string;
}

/** The time of a meeting in words: "Wednesday 9 December 2026, 10:00–11:00 (UK time)". */
export function meetingTimeInWords(slot: { readonly start: string; readonly end: string }): string {
  return `${instantDateInWords(slot.start)}, ${londonTime(slot.start)}–${londonTime(slot.end)} (UK time)`;
}

/** How the meeting is held, in words, from the procedure's form. */
export function formInWords(form: MeetingForm | undefined): string {
  const online = form?.online ?? true;
  const inPerson = form?.inPerson ?? false;
  const procedure = form?.quote ? ` The procedure says: "${form.quote}".` : '';
  if (online && inPerson)
    return `This is a Microsoft Teams meeting; it may be held in person instead if the attendees agree with the convener.${procedure}`;
  if (online) return `This is a Microsoft Teams meeting.${procedure}`;
  return `This meeting is held in person. The convener will confirm the venue.${procedure}`;
}

/** The location shown in Outlook for a meeting held in person. */
export function inPersonLocation(): string {
  return 'In person: venue to be confirmed by the convener';
}

export function invitationHtml(
  view: InvitationView,
  slot: { readonly start: string; readonly end: string },
): string {
  const p = (text: string) => `<p>${escapeHtml(text)}</p>`;
  const row = (label: string, value: string) =>
    `<p style="margin:0"><strong>${escapeHtml(label)}:</strong> ${escapeHtml(value)}</p>`;
  const rows: string[] = [];
  if (view.title) {
    rows.push(row('Case reference', view.title.caseReference), row('Stage', view.title.stageName));
  }
  if (view.context) rows.push(row('Procedure', view.context.procedureName));
  rows.push(row('When', meetingTimeInWords(slot)));
  rows.push(row('To be held by', instantDateInWords(view.window.end)));
  if (view.context) {
    const { appliesTo, subject } = view.context;
    if (appliesTo) rows.push(row('About', subjectWords({ appliesTo }, subject).who));
    rows.push(row('Category', view.context.category));
  }
  const items = view.agenda.map((line) => {
    const indented = /^\s+/.test(line);
    return `<li${indented ? ' style="margin-left:1.5em;list-style:circle"' : ''}>${escapeHtml(line.trim())}</li>`;
  });
  const parts = [
    p(meetingSubject(view)),
    `<div>${rows.join('')}</div>`,
    ...(view.context
      ? [
          `<p><strong>${escapeHtml('What the procedure asks of this meeting')}</strong></p>`,
          p(`"${view.context.meetingQuote}"`),
          `<p><strong>${escapeHtml('The issue')}</strong></p>`,
          p(view.context.issue),
          `<p><strong>${escapeHtml('Resolution sought')}</strong></p>`,
          p(view.context.resolutionSought),
        ]
      : []),
    p(formInWords(view.form)),
    `<p><strong>${escapeHtml('Agenda')}</strong></p>`,
    `<ol>${items.join('')}</ol>`,
    p(
      view.onBehalfOf
        ? `Booked by Concord on behalf of ${view.onBehalfOf}, who convenes the meeting.`
        : 'Booked by Concord on behalf of the convener.',
    ),
    p(
      `Please accept or decline. If this time does not suit you, decline or answer "Tentative" and propose a new time before ${instantDateInWords(view.window.end)}: Concord reads the time you propose and books it, or offers it to the convener, when it suits everyone else.`,
    ),
  ];
  return `<html><body>${parts.join('')}</body></html>`;
}
