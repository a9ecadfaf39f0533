/**
 * The raise wizard's own words, following who the procedure is about (`appliesTo`, and for a
 * procedure covering both, the raiser's answer): no "care plan" or "child" in an adults' procedure.
 * A procedure's own `raise.required` labels replace these where it gives them.
 */
import type { CaseSubject } from '../../domain/dispute/types.ts';

/** `null`: a procedure covering children and adults, before the raiser has said which. */
export type Subject = CaseSubject | null;

const THE: Readonly<Record<'child' | 'adult' | 'either', string>> = {
  child: 'the child',
  adult: 'the adult',
  either: 'the child or adult',
};
const key = (s: Subject) => s ?? 'either';

/** "the child", "the adult", "the child or adult". */
export const theSubject = (s: Subject): string => THE[key(s)];

/** "the child's", "the adult's", "a child's or adult's". */
export const subjectPossessive = (s: Subject): string =>
  s === null ? "a child's or adult's" : `${THE[s]}'s`;

export const ABOUT_LABEL = 'Who is this dispute about?';
export const ABOUT_CHOICES: readonly { value: CaseSubject; title: string }[] = [
  { value: 'child', title: 'A child or young person' },
  { value: 'adult', title: 'An adult at risk' },
];
export const ABOUT_MESSAGE = 'Say whether this concerns a child or an adult at risk.';

/** The default labels, placeholders and client-side messages of the form's fields. */
export function raiseFieldWords(s: Subject) {
  return {
    labels: {
      procedureId: 'Procedure',
      caseReference: `Case reference (not ${subjectPossessive(s)} name)`,
      counterpartOrganisationId: 'Partner organisation',
      category: 'Category',
      urgency: 'Urgency',
      about: ABOUT_LABEL,
      issue: `What is in dispute and its impact on ${theSubject(s)}`,
      informalAttempts: 'What has been tried informally so far: with whom, when, and the outcome',
      resolutionSought: 'Resolution sought',
    },
    placeholders: {
      caseReference: 'e.g. GH-2026/0412 (a reference, never a name)',
      issue: `The decision or practice you disagree with, and how it affects ${theSubject(s)}`,
      informalAttempts: 'Who you raised it with, when, and what came of it',
      resolutionSought: 'What would resolve this',
    },
    messages: {
      issue: `Say what is in dispute and its impact on ${theSubject(s)}.`,
      informalAttempts: 'Say what has been tried informally: with whom, when, and the outcome.',
      resolutionSought: 'Say what resolution you are seeking.',
    },
    privacy: `Use a case reference, never ${subjectPossessive(s)} name. Describe the practice issue, not anyone's performance.`,
  };
}

export const NAME_CONFIRM_TITLE = 'This is the case reference, not a name';

const n = (x: number) => x.toLocaleString('en-GB');

/** Under a free-text field: its limit, and how much of it the answer used when the card was made. */
export function lengthNote(length: number, max: number): string {
  return length === 0
    ? `Up to ${n(max)} characters.`
    : `${n(length)} of ${n(max)} characters (when this card was made).`;
}

/** Beside an answer over its limit: the count, the limit, and whether the card still holds it. */
export function tooLongText(length: number, max: number, kept: boolean): string {
  const over = `This answer is ${n(length)} characters long; the limit is ${n(max)}. Shorten it by ${n(length - max)} characters, then save or submit again.`;
  return kept
    ? `${over} Nothing has been cut: all of your text is still in the box.`
    : `${over} It is too long to show on this card again, so it was not kept: shorten it where you wrote it, then paste it in again.`;
}

export const UNSTORABLE_TEXT =
  'This answer contained characters that cannot be stored (control characters). Concord has left them out: check the text, then save or submit again.';

export const REQUIRED_NOTE =
  'Every field marked * is needed. Teams checks them before Submit and Save draft; Save draft keeps your answers on this card to finish later.';
