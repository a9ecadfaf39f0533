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
  StoryStage,
} from '../domain/dispute/email-intents.ts';
import type { EmailView } from '../domain/dispute/types.ts';
import { subjectWords } from '../wording/audience.ts';
import { dayInWords, instantDayInWords, timeInWords } from '../wording/dates.ts';
import { outcomeText, stageSoFarName } from '../wording/outcomes.ts';

/** The longest stretch of an earlier answer an email quotes; the rest is on the thread and the record. */
const ANSWER_QUOTE_LIMIT = 1200;

/** What happened at each earlier stage, in a few sentences each: the answer, and why it was not agreed. */
export function storyParagraphs(story: readonly StoryStage[] | undefined): string[] {
  if (!story || story.length === 0) return [];
  return [
    'What has happened so far:',
    ...story.map((s) => {
      const answer = s.answer
        ? `${s.answer.from || 'The other agency'} answered on ${instantDayInWords(s.answer.at)}: “${quoteOf(s.answer.text)}”`
        : 'No answer was received.';
      const verdict = s.resolved ? 'It was agreed.' : `It was not agreed: ${outcomeText(s.outcome)}`;
      return `${s.stageName}. ${answer} ${verdict}`;
    }),
  ];
}

function quoteOf(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= ANSWER_QUOTE_LIMIT ? t : `${t.slice(0, ANSWER_QUOTE_LIMIT).trimEnd()}…`;
}

type Field = { label: string; value: string };

/** Who the dispute is about, in the procedure's terms; nothing for an email queued before it was kept. */
function aboutField(f: EmailFrame): Field[] {
  if (!f.appliesTo) return [];
  return [{ label: 'About', value: subjectWords({ appliesTo: f.appliesTo }, f.subject).who }];
}

function detailFields(f: EmailFrame, d: EmailDetails): Field[] {
  return [
    { label: 'Case reference', value: f.caseReference },
    ...aboutField(f),
    { label: 'Category', value: d.category },
    { label: 'The problem identified', value: d.issue },
    { label: 'Attempts to resolve the problem informally', value: d.informalAttempts },
    { label: 'Resolution sought', value: d.resolutionSought },
  ];
}

/** When a chased response was due: a time of day for an hours timescale, else the day. */
function chaseDue(m: Extract<EmailIntent, { kind: 'chase' }>): string {
  if (m.due && m.hours !== undefined)
    return `${timeInWords(m.due)} on ${instantDayInWords(m.due)} (within ${m.hours} ${m.hours === 1 ? 'hour' : 'hours'})`;
  return m.dueDate ? dayInWords(m.dueDate) : 'the deadline';
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
        paragraphs: [m.request ?? stageQuote(m.stageQuote), ...storyParagraphs(f.storySoFar)],
        fields: detailFields(f, m.details),
      };
    case 'letter':
      return {
        subject: `${about}: ${f.stageName}`,
        paragraphs: [stageQuote(m.stageQuote), ...storyParagraphs(f.storySoFar)],
        fields: detailFields(f, m.details),
      };
    case 'copy':
      return {
        subject: `${about}: ${f.stageName}`,
        paragraphs: [...m.quotes],
        fields: detailFields(f, m.details),
      };
    case 'consultation':
      return {
        subject: `${about}: ${f.stageName}: who should we contact?`,
        paragraphs: [
          `${m.actor} is holding ${f.stageName} of this dispute with ${m.about}, and Concord's directory does not say who that is.`,
          `The procedure says: “${m.quote}”`,
          `Please reply to ${m.actor} with who it is.`,
        ],
        fields: detailFields(f, m.details),
      };
    case 'after-resolution':
      return {
        subject: `${about}: brought to your attention`,
        paragraphs: [`The procedure says: “${m.quote}”`, m.text],
        fields: detailFields(f, m.details),
      };
    case 'inform':
      return {
        subject: `${about}: for your information`,
        paragraphs: [m.quote],
        fields: detailFields(f, m.details),
      };
    case 'chase':
      return {
        subject: `RE: ${about}: ${f.stageName}`,
        paragraphs: [
          `A response was due by ${chaseDue(m)} and has not been received.`,
          ...(m.timescaleQuote ? [`The procedure's timescale: “${m.timescaleQuote}”`] : []),
          ...(m.asked ?? []).map((a) => `The procedure asks: “${a}”`),
          ...(m.note ? [m.note] : []),
          ...(m.asked ? ['Please reply to this email; your reply is kept on the case record.'] : []),
        ],
        fields: m.asked ? [{ label: 'Case reference', value: f.caseReference }, ...aboutField(f)] : [],
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
          ...(m.through
            ? [
                `As the procedure asks, this is raised through you: “${m.means ?? m.quote}”. Please raise it with ${m.through.to}, who is copied.`,
              ]
            : m.means
              ? [`To be sent by: ${m.means}`]
              : []),
        ],
        fields: [
          ...(m.details
            ? detailFields(f, m.details)
            : [{ label: 'Case reference', value: f.caseReference }, ...aboutField(f)]),
          {
            label: 'Stages so far',
            value:
              m.outcomes
                .map((o) => `${stageSoFarName(o, o.stageName ?? f.stageName)}: ${outcomeText(o.summary)}`)
                .join('\n') || `${f.stageName}: no outcome recorded yet`,
          },
        ],
      };
    case 'written-confirmation':
      return {
        subject: `${about}: written confirmation of the outcome`,
        paragraphs: [
          confirmationText(m.confirms),
          ...(m.procedureQuote ? [`The procedure asks for this: “${m.procedureQuote}”`] : []),
          ...(m.sameDay
            ? [
                `The decision was made on ${instantDayInWords(m.sameDay.decidedAt)}, and the procedure asks that it is relayed that day: “${m.sameDay.quote}”`,
              ]
            : []),
        ],
        fields: m.actions.map((a) => ({
          label: `${a.description} (${a.owner})`,
          value: `by ${dayInWords(a.dueDate)}`,
        })),
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
        fields: detailFields(f, m.details),
      };
    case 'withdrawn':
      return {
        subject: `${about}: withdrawn`,
        paragraphs: [
          m.by ? `${m.by} has withdrawn this dispute.` : 'This dispute has been withdrawn.',
          m.reason,
        ],
        fields: [],
      };
  }
}

/** The email a `send-email` effect sends: its intent worded, in its frame. */
export function emailViewOf(effect: {
  readonly message: EmailIntent;
  readonly frame: EmailFrame;
}): EmailView {
  const { procedureShortName: _short, storySoFar: _story, ...frame } = effect.frame;
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
