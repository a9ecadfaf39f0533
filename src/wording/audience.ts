/**
 * Who a dispute is about, in the procedure's terms: a children's procedure speaks of the child and
 * the care plan; an adults' procedure never does (it speaks of the adult); a procedure for both
 * follows what the raiser chose, and until they choose uses neutral words.
 *
 * @example aboutWords({ appliesTo: 'adults' }).person // 'the adult'
 */
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';

export type Subject = 'children' | 'adults';

export interface AboutWords {
  /** "the child", "the adult", or "the person at the centre of the dispute". */
  readonly person: string;
  /** The person's, possessive: "the child's". */
  readonly possessive: string;
  /** What the dispute affects: "the care plan" (children), "the adult's care and support" (adults). */
  readonly impactOn: string;
  /** Who informal attempts are made with. */
  readonly worker: string;
  /** Whose file the record is for: "the child's file". */
  readonly file: string;
  /** Who the dispute is about, as an email, a card or an invitation says it: "A child or young person". */
  readonly who: string;
}

const WORDS: Readonly<Record<Subject | 'either', AboutWords>> = {
  children: {
    person: 'the child',
    possessive: "the child's",
    impactOn: 'the care plan',
    worker: 'the allocated social worker',
    file: "the child's file",
    who: 'A child or young person',
  },
  adults: {
    person: 'the adult',
    possessive: "the adult's",
    impactOn: "the adult's care and support",
    worker: 'the worker involved',
    file: "the adult's case file",
    who: 'An adult at risk',
  },
  either: {
    person: 'the person at the centre of the dispute',
    possessive: "the person's",
    impactOn: 'the person at the centre of the dispute',
    worker: 'the practitioner involved',
    file: "the person's case file",
    who: 'A child or an adult at risk (not yet said which)',
  },
};

/** The words for a dispute's subject as the domain keeps it (`child`, `adult`, or not known). */
export function subjectWords(
  procedure: Pick<ProcedureDefinition, 'appliesTo'>,
  subject: 'child' | 'adult' | null | undefined,
): AboutWords {
  return aboutWords(procedure, subject === 'child' ? 'children' : subject === 'adult' ? 'adults' : null);
}

/**
 * The words for a procedure, and for a dispute under it when the raiser said whom it is about.
 * A subject the procedure does not cover is ignored.
 */
export function aboutWords(
  procedure: Pick<ProcedureDefinition, 'appliesTo'>,
  subject?: string | null,
): AboutWords {
  if (procedure.appliesTo !== 'children-and-adults') return WORDS[procedure.appliesTo];
  return subject === 'children' || subject === 'adults' ? WORDS[subject] : WORDS.either;
}
