/**
 * What a person reads when something they asked for was refused: one sentence per refusal code,
 * from the refusal's params. The domain says why (`Refusal`); this says it in words.
 *
 * @example refusalText({ reason: 'wrong-phase', code: 'reply-not-due', params: { dueDate: '2026-11-30' } })
 * // 'The reply is not due until 2026-11-30.'
 */
import type {
  Refusal,
  RefusalCode,
  RefusalParams,
  StepName,
  TextSubject,
} from '../../domain/dispute/refusal.ts';

const TEXT_LABELS: Readonly<Record<TextSubject, (n: number) => string>> = {
  issue: () => 'What is in dispute and its impact',
  'informal-attempts': () => 'Informal attempts so far',
  'resolution-sought': () => 'Resolution sought',
  'what-happened': () => 'What happened',
  outcome: () => 'Outcome',
  minutes: () => 'Minutes',
  note: () => 'Note',
  reason: () => 'Reason',
  'referral-reason': () => 'Reason for the referral',
  action: (n) => `Action ${n}`,
  'action-owner': (n) => `Owner of action ${n}`,
};

const STEPS: Readonly<Record<StepName, string>> = {
  'record-informal-outcome': 'record the informal outcome',
  'record-outcome': 'record the outcome',
  'book-meeting': 'book a meeting',
  decide: 'make this decision',
};

type Sentence = (p: Params) => string;

class Params {
  constructor(private readonly params: RefusalParams) {}
  /** A value as text; absent values read as `fallback` (or "null", as a template string would). */
  s(key: string, fallback?: string): string {
    const v = this.params[key];
    if (v === undefined || v === null) return fallback ?? String(v ?? null);
    return Array.isArray(v) ? v.join(', ') : String(v);
  }
  list(key: string): readonly string[] {
    const v = this.params[key];
    return Array.isArray(v) ? v : v === undefined || v === null ? [] : [String(v)];
  }
  label(): string {
    const subject = this.params.subject as TextSubject;
    return TEXT_LABELS[subject]?.(Number(this.params.n ?? 0)) ?? String(subject);
  }
  step(): string {
    return STEPS[this.params.step as StepName] ?? String(this.params.step);
  }
}

const SENTENCES: Readonly<Record<RefusalCode, Sentence>> = {
  'already-raised': () => 'This dispute has already been raised.',
  'not-raised': () => 'There is no such dispute.',
  'procedure-mismatch': (p) =>
    `This dispute runs under ${p.s('procedureId')} ${p.s('procedureVersion')}; it was given ${p.s('givenId')} ${p.s('givenVersion')}.`,
  'no-stages': () => 'This procedure has no stages.',
  'immediate-risk-unconfirmed': () =>
    'Confirm first that no one is at immediate risk, or that you have already contacted the emergency services, MASH or SPA.',
  'out-of-scope-unconfirmed': (p) => {
    const instead = p.list('instead');
    return `Confirm first that this dispute is not one of the matters ${p.s('procedure')} does not cover${instead.length ? ` (for those, use: ${instead.join('; ')})` : ''}.`;
  },
  'about-required': (p) =>
    `Say whether this dispute concerns a child or an adult at risk: ${p.s('procedure')} covers both.`,
  'about-not-covered': (p) =>
    `${p.s('procedure')} covers ${p.s('covers') === 'adults' ? 'adults only' : 'children only'}.`,
  'case-reference-invalid': (p) =>
    Number(p.s('length', '0')) > Number(p.s('max', '40'))
      ? `The case reference is ${p.s('length')} characters long; the limit is ${p.s('max')}.`
      : 'The case reference must be 2–40 letters, digits, spaces, "-", "/", "." or "_", starting with a letter or digit (a reference, never a name).',
  'case-reference-looks-like-name': (p) =>
    `"${p.s('reference')}" looks like a person's name. The case reference goes into the subject of every email about this dispute, so it must never be a child's or adult's name. Use the case reference from your case record; if this is it, tick "This is the case reference, not a name" and submit again.`,
  'category-unknown': (p) => `Choose one of the ${p.s('procedure')} categories.`,
  'partner-missing': () => 'Choose the partner organisation.',
  'partner-is-own-organisation': () =>
    'The partner organisation must be a different organisation from your own.',
  'urgency-unknown': (p) => `Choose how urgent this is: ${p.s('levels')}.`,
  'urgency-not-used': (p) => `${p.s('procedure')} does not use urgency levels.`,
  'text-required': (p) => `${p.label()} is required.`,
  'text-too-long': (p) =>
    `${p.label()} is too long (${p.s('length')} characters; the limit is ${p.s('max')}).`,
  'text-unstorable': (p) => `${p.label()} contains characters that cannot be stored.`,
  'dispute-not-open': (p) => `This dispute is already ${p.s('status')}.`,
  'no-one-acting': (p) => `Only the person whose step it is can ${p.step()}.`,
  'step-for-someone-else': (p) =>
    `This step is for ${p.s('who')}. You can see the dispute but not act on it.`,
  'nobody-can-act': (p) => `Nobody can ${p.step()} at this point.`,
  'step-for-actor': (p) => `This step is for ${p.s('actor', 'the sender')}.`,
  'wrong-phase': (p) => `That cannot be done now: the dispute is at "${p.s('phase')}" in ${p.s('stage')}.`,
  'not-now': (p) => `That cannot be done now (${p.s('phase')}).`,
  'stage-gone': (p) => `This dispute is at a stage (${p.s('stageId')}) its procedure no longer has.`,
  'role-unresolved': (p) =>
    `No ${p.s('role')} is configured for ${p.s('organisation', 'this procedure')}. Ask your Concord administrator to add one to the directory.`,
  'urgency-needed': () => 'Choose how urgent this disagreement is before it can move on.',
  'nothing-to-decide': () => 'There is no stage to decide on.',
  'agreed-days-out-of-range': (p) =>
    `The agreed timescale must be a whole number of working days between ${p.s('min')} and ${p.s('max')}.`,
  'final-stage': () => 'This was the final stage; there is no further stage to raise.',
  'informal-not-available': () => 'Raising it informally is not an option at this point.',
  'accept-not-available': () => 'Accepting the decision is not an option at this point.',
  'referral-not-secure': () =>
    'This referral was sent by Concord; there is nothing to record as sent by other means.',
  'no-further-stage': () => 'There is no further stage in this procedure.',
  'no-bypass': (p) => `${p.s('procedure')} does not allow stages to be skipped.`,
  'only-role-bypasses': (p) => `Only ${p.s('role')} can move the dispute past a stage.`,
  'unknown-note': () => 'This procedure has no such note to record.',
  'only-role-records-note': (p) => `Only ${p.s('role')} can record “${p.s('label')}”.`,
  'no-such-stage': (p) => `There is no stage "${p.s('stageId')}".`,
  'only-forward': () => 'A dispute can only move forward.',
  'no-one-awaiting-reply': () => 'No one is waiting for a reply.',
  'duplicate-reply': () => 'That reply has already been recorded.',
  'not-consulted': () => 'Only the person consulted at this stage can answer.',
  'already-sent': () => 'That has already been sent; it is on the record.',
  'earlier-stage-reply': (p) => `That email answers an earlier stage, not ${p.s('stage')}.`,
  'not-from-counterpart': (p) =>
    `That email is not from ${p.s('organisation')}; only the counterpart's reply moves the stage on.`,
  'no-reply-yet': () => 'No reply has been received yet.',
  'reply-not-due': (p) => `The reply is not due until ${p.s('dueDate')}.`,
  'only-sender-chases': (p) => `Only ${p.s('sender', 'the sender')} can chase this email.`,
  'nothing-to-chase': () => 'There is no email to chase yet.',
  'no-meeting-booking': () => 'No meeting is being booked.',
  'not-current-meeting': () => 'That meeting is not the current one.',
  'not-invited': () => 'That person is not invited to this meeting.',
  'only-convener-moves': () => 'Only the convener can move the meeting.',
  'start-in-past': () => 'Choose a start time in the future.',
  'start-not-proposed': () =>
    'Choose one of the proposed times: they are the ones everyone known is free for.',
  'no-meeting-at-stage': (p) => `${p.s('stage')} does not provide for a meeting.`,
  'stage-has-no-meeting': (p) => `${p.s('stage')} has no meeting.`,
  'meeting-not-booked': () => 'The meeting is not booked.',
  'minutes-required': () => 'Minutes of the meeting are required at this stage.',
  'too-many-actions': (p) => `Record at most ${p.s('max')} agreed actions.`,
  'action-date': (p) => `Action ${p.s('n')} needs a date as YYYY-MM-DD.`,
  'unknown-route': (p) => `There is no route "${p.s('routeId')}" in ${p.s('procedure')}.`,
  'route-not-available': (p) => `${p.s('route')} is only available after ${p.list('after').join(', ')}.`,
  'only-role-refers': (p) => `Only ${p.s('role')} can make this referral.`,
  'timer-after-end': () => 'The dispute has ended; the timer no longer applies.',
  'timer-earlier-stage': () => 'That timer belongs to an earlier stage.',
  'timer-no-meeting': () => 'There is no booked meeting.',
  'timer-no-action': () => 'No such agreed action.',
  'only-raiser-or-owner-withdraws': () =>
    'Only the person who raised the dispute, or its owner, can withdraw it.',
  'only-owner-authorises': (p) => `Only ${p.s('role')} can authorise the resolution.`,
  'only-step-or-owner-resolves': () =>
    'Only the person whose step it is, or who owns the record, can mark it resolved.',
  'already-closed': () => 'This dispute is already closed.',
  'close-while-open': () => 'Resolve, accept or withdraw the dispute before closing the record.',
  'not-a-closer': (p) => `Only ${p.list('roles').join(' or ')} can close this record.`,
  'not-a-party': () => 'Only the people taking part in this dispute can mark its agreed actions done.',
  'action-unknown': () => 'There is no such agreed action in this dispute.',
  'action-already-done': (p) => `That agreed action was already marked done (on ${p.s('date')}).`,
  'learning-not-raised': () => 'This dispute was not resolved, so it raised no learning to follow up.',
  'learning-item-unknown': () => "That is not one of this procedure's learning steps.",
  'learning-outcome-unknown': () =>
    'Say what became of it: taken to the board, policy or procedure changed, or no action.',
  'action-done-date-invalid': (p) =>
    `The date it was done must be a date (YYYY-MM-DD) from ${p.s('from')} to ${p.s('to')}.`,
  'no-dispute-with-id': () => 'There is no dispute with that id.',
  'changed-meanwhile': () =>
    'The dispute changed a moment ago, so that was not applied. Look at the latest card and try again.',
  'unknown-person': () =>
    'Concord could not find you in the partnership directory, so it cannot act for you. Ask your Concord administrator to add you.',
  'not-involved': () => 'This dispute is not one you are taking part in, so Concord cannot show it to you.',
  'unknown-button': () => 'That button is not known.',
  'draft-out-of-date': () =>
    'This form is out of date: that draft was already submitted or replaced. Type "raise a dispute" to start again.',
};

/** The sentence for a refusal, to show in the card or the reply. */
export function refusalText(refusal: Refusal): string {
  return SENTENCES[refusal.code](new Params(refusal.params));
}
