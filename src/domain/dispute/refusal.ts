/**
 * Why an event was refused, as data. `reason` is the coarse class the runtime logs and tests compare;
 * `code` names the exact rule that refused it; `field` is the input the person should correct (the
 * bot highlights it); `params` are the values a sentence about it needs. The sentence itself is
 * written where it is shown (`src/cards/wording/refusals.ts`).
 */

export type RefusalReason =
  | 'dispute-not-open'
  | 'already-raised'
  | 'not-raised'
  | 'wrong-phase'
  | 'not-your-step'
  | 'unknown-stage'
  | 'stage-skip-not-allowed'
  | 'unknown-route'
  | 'route-not-available'
  | 'option-not-available'
  | 'role-unresolved'
  | 'stale-timer'
  | 'unknown-message'
  | 'unknown-meeting'
  | 'invalid-input'
  | 'not-allowed-to-close'
  | 'urgency-required'
  | 'duplicate'
  | 'stale-card';

/** The inputs a refusal can point at: the raise form's fields and the step cards' inputs. */
export type RefusalField =
  | 'immediateRiskChecked'
  | 'caseReference'
  | 'counterpartOrganisationId'
  | 'category'
  | 'urgency'
  | 'issue'
  | 'informalAttempts'
  | 'resolutionSought'
  | 'summary'
  | 'minutes'
  | 'note'
  | 'start'
  | 'reason'
  | 'agreedWorkingDays'
  | `action${number}Description`
  | `action${number}Owner`
  | `action${number}Due`;

export type RefusalParams = Readonly<Record<string, string | number>>;

export interface Refusal {
  readonly reason: RefusalReason;
  /** The exact rule; absent where the reason alone says it. */
  readonly code?: string;
  readonly field?: RefusalField;
  readonly params?: RefusalParams;
  /** Transitional: the sentence, until every reader words the refusal from its code and params. */
  readonly message: string;
}

/** A check that reports every problem it finds, each naming its field. */
export type Validation<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly Refusal[] };
