/**
 * The words of every email Concord sends: subject, paragraphs and field labels for each
 * `EmailIntent`. `emailViewOf(effect)` is the one place a `send-email` effect becomes text.
 *
 * @example emailViewOf(effect).subject // 'ANE dispute CASE-1: Formal Resolution Process – Stage 1'
 */
import type {
  Confirmation,
  EmailDetails,
  EmailFrame,
  EmailIntent,
  MeetingTitle,
} from '../domain/dispute/email-intents.ts';
import type { EmailView } from '../domain/dispute/types.ts';
import { outcomeText } from '../wording/outcomes.ts';

type Field = { label: string; value: string };

function detailFields(caseReference: string, d: EmailDetails): Field[] {
  return [
    { label: 'Case reference', value: caseReference },
    { label: 'Category', value: d.category },
    { label: 'The problem identified', value: d.issue },
    { label: 'Attempts to resolve the problem informally', value: d.informalAttempts },
    { label: 'Resolution sought', value: d.resolutionSought },
  ];
}

function confirmationText(c: Confirmation): string {
  switch (c.kind) {
    case 'resolved':
      return outcomeText(c.summary);
    case 'unresolved':
      return `The disagreement remains unresolved at ${c.stageName}. ${outcomeText(c.reason)}`;
    case 'accepted':
      return `${c.by} accepted the decision; the dispute ends here.${c.reason ? ` ${c.reason}` : ''}`;
  }
}

function words(m: EmailIntent, f: EmailFrame): { subject: string; paragraphs: string[]; fields: Field[] } {
  const about = `${f.procedureShortName} dispute ${f.caseReference}`;
  const stageQuote = (quote: string) => `${f.procedureShortName}, ${f.stageName}: “${quote}”`;
  switch (m.kind) {
    case 'stage-statement':
      return {
        subject: `${about}: ${f.stageName}`,
        paragraphs: [m.request ?? stageQuote(m.stageQuote)],
        fields: detailFields(f.caseReference, m.details),
      };
    case 'letter':
      return {
        subject: `${about}: ${f.stageName}`,
        paragraphs: [stageQuote(m.stageQuote)],
        fields: detailFields(f.caseReference, m.details),
      };
    case 'copy':
      return {
        subject: `${about}: ${f.stageName}`,
        paragraphs: [...m.quotes],
        fields: detailFields(f.caseReference, m.details),
      };
    case 'inform':
      return {
        subject: `${about}: for your information`,
        paragraphs: [m.quote],
        fields: detailFields(f.caseReference, m.details),
      };
    case 'chase':
      return {
        subject: `RE: ${about}: ${f.stageName}`,
        paragraphs: [
          `A response was due by ${m.dueDate ?? 'the deadline'} and has not been received.`,
          ...(m.note ? [m.note] : []),
        ],
        fields: [],
      };
    case 'acknowledgement':
      return {
        subject: `RE: ${about}: ${f.stageName}`,
        paragraphs: [
          m.agreed
            ? 'The actions taken or proposed to resolve the problem are agreed and accepted.'
            : 'The actions taken or proposed to resolve the problem are not agreed. The matter will be considered for escalation under the next stage.',
          ...(m.note ? [m.note] : []),
        ],
        fields: [],
      };
    case 'referral':
      return {
        subject: `${about}: ${m.routeName}`,
        paragraphs: [
          m.quote,
          ...(m.condition ? [m.condition] : []),
          m.reason,
          ...(m.means ? [`To be sent by: ${m.means}`] : []),
        ],
        fields: [
          { label: 'Case reference', value: f.caseReference },
          {
            label: 'Stages so far',
            value: m.outcomes.map((o) => `${o.stageId}: ${outcomeText(o.summary)}`).join('; ') || f.stageName,
          },
        ],
      };
    case 'written-confirmation':
      return {
        subject: `${about}: written confirmation of the outcome`,
        paragraphs: [
          confirmationText(m.confirms),
          ...(m.procedureQuote ? [`The procedure asks for this: “${m.procedureQuote}”`] : []),
        ],
        fields: m.actions.map((a) => ({ label: `${a.description} (${a.owner})`, value: `by ${a.dueDate}` })),
      };
    case 'discussion':
      return {
        subject: `${about}: ${f.stageName}`,
        paragraphs: [
          stageQuote(m.stageQuote),
          ...m.asked.map((a) => `The procedure asks: “${a}”`),
          ...(m.history.length > 0
            ? [
                `What has happened so far: ${m.history
                  .map((h) => `${h.stageName}: ${outcomeText(h.summary)}`)
                  .join(' ')}`,
              ]
            : []),
          'Please reply to this email with your response; your reply is kept on the case record.',
        ],
        fields: detailFields(f.caseReference, m.details),
      };
    case 'withdrawn':
      return {
        subject: `${about}: withdrawn`,
        paragraphs: ['This dispute has been withdrawn.', m.reason],
        fields: [],
      };
  }
}

/** The email a `send-email` effect sends: its intent worded, in its frame. */
export function emailViewOf(effect: {
  readonly message: EmailIntent;
  readonly frame: EmailFrame;
}): EmailView {
  const { procedureShortName: _short, ...frame } = effect.frame;
  return { ...frame, ...words(effect.message, effect.frame) };
}

/**
 * A meeting invitation's subject: `ANE dispute ANE-2026-0042: Stage 3 meeting`. A booking asked for
 * before titles were data carries its subject already worded, and keeps it.
 */
export function meetingSubject(booking: {
  readonly title?: MeetingTitle;
  readonly subject?: string;
}): string {
  if (booking.title) {
    const { procedureShortName, caseReference, stageName } = booking.title;
    return `${procedureShortName} dispute ${caseReference}: ${stageName} meeting`;
  }
  return booking.subject ?? 'Dispute meeting';
}
