/**
 * Words both audiences read: an outcome, or why a stage ended, as the case record, the cards and
 * the emails all say it. `src/cards` and `src/email` each word their own audience; what they share
 * lives here, once (the dependency rule lets both import this folder, and it imports only the domain).
 *
 * @example outcomeText({ kind: 'not-agreed' }) // 'Not agreed.'
 */
import type { OutcomeText, StageSoFar } from '../domain/dispute/record-intents.ts';
import { dayInWords } from './dates.ts';

/** An outcome, or why a stage ended, in words: what was typed as typed, else what happened. */
export function outcomeText(text: OutcomeText): string {
  if (typeof text === 'string') return text;
  switch (text.kind) {
    case 'reply-agreed':
      return `The response at ${text.stageName} was agreed and accepted.`;
    case 'not-agreed':
      return 'Not agreed.';
    case 'no-response':
      return 'No response by the deadline.';
    case 'stage-reply-not-agreed':
      return `The response at ${text.stageName} was not agreed.`;
    case 'stage-no-response':
      return text.dueDate
        ? `No response was received at ${text.stageName} by ${dayInWords(text.dueDate)}.`
        : `No response was received at ${text.stageName} by its deadline.`;
    case 'ended-after-final-stage':
      return `${text.by} ended the dispute after the final stage without a further referral.`;
    case 'with-note':
      return `${outcomeText(text.summary)} (${text.note})`;
  }
}

/**
 * An earlier stage's name for a list of outcomes, telling apart the two a stage with a meeting after
 * guidance has ("Stage two, before the meeting" and "Stage two, at the meeting").
 */
export function stageSoFarName(o: Pick<StageSoFar, 'part'>, stageName: string): string {
  if (o.part === 'before-meeting') return `${stageName}, before the meeting`;
  if (o.part === 'meeting') return `${stageName}, at the meeting`;
  return stageName;
}
