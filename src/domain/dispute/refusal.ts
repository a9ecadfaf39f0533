/**
 * Why an event was refused, as data. `reason` is the coarse class the runtime logs and tests compare;
 * `code` names the exact rule that refused it (one sentence each); `field` is the input the person should correct (the
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
  | 'outOfScopeConfirmed'
  | 'about'
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

/** A value a refusal's sentence needs: a name, a date, a count, or a list of names. */
export type RefusalParams = Readonly<Record<string, string | number | readonly string[] | null | undefined>>;

/** The exact rule that refused an event; each has one sentence in the card wording. */
export type RefusalCode =
  // raising
  | 'already-raised'
  | 'not-raised'
  | 'procedure-mismatch'
  | 'no-stages'
  | 'immediate-risk-unconfirmed'
  | 'out-of-scope-unconfirmed'
  | 'about-required'
  | 'about-not-covered'
  | 'case-reference-invalid'
  | 'case-reference-looks-like-name'
  | 'category-unknown'
  | 'partner-missing'
  | 'partner-is-own-organisation'
  | 'urgency-unknown'
  | 'urgency-not-used'
  // typed text (params: subject, and n for an action)
  | 'text-required'
  | 'text-too-long'
  | 'text-unstorable'
  // whose step, and when
  | 'dispute-not-open'
  | 'no-one-acting'
  | 'step-for-someone-else'
  | 'nobody-can-act'
  | 'step-for-actor'
  | 'wrong-phase'
  | 'not-now'
  | 'stage-gone'
  | 'role-unresolved'
  | 'urgency-needed'
  // decisions and moving on
  | 'nothing-to-decide'
  | 'agreed-days-out-of-range'
  | 'final-stage'
  | 'informal-not-available'
  | 'accept-not-available'
  | 'referral-not-secure'
  | 'no-further-stage'
  | 'no-bypass'
  | 'only-role-bypasses'
  // notes recorded at any point
  | 'unknown-note'
  | 'only-role-records-note'
  | 'no-such-stage'
  | 'only-forward'
  // email
  | 'no-one-awaiting-reply'
  | 'duplicate-reply'
  | 'earlier-stage-reply'
  | 'not-from-counterpart'
  | 'no-reply-yet'
  | 'reply-not-due'
  | 'only-sender-chases'
  | 'nothing-to-chase'
  // meetings
  | 'no-meeting-booking'
  | 'not-current-meeting'
  | 'not-invited'
  | 'only-convener-moves'
  | 'start-in-past'
  | 'start-not-proposed'
  | 'no-meeting-at-stage'
  | 'stage-has-no-meeting'
  | 'meeting-not-booked'
  // outcomes and referrals
  | 'minutes-required'
  | 'too-many-actions'
  | 'action-date'
  | 'unknown-route'
  | 'route-not-available'
  | 'only-role-refers'
  // timers
  | 'timer-after-end'
  | 'timer-earlier-stage'
  | 'timer-no-meeting'
  | 'timer-no-action'
  // ending
  | 'only-raiser-or-owner-withdraws'
  | 'only-owner-authorises'
  | 'only-step-or-owner-resolves'
  | 'already-closed'
  | 'already-sent'
  | 'not-consulted'
  | 'close-while-open'
  | 'not-a-closer'
  // agreed actions (params: date; from and to for the range a done date may be in)
  | 'not-a-party'
  | 'action-unknown'
  | 'action-already-done'
  | 'action-done-date-invalid'
  // what became of a learning item
  | 'learning-not-raised'
  | 'learning-item-unknown'
  | 'learning-outcome-unknown'
  // the shell's own (the bot and the dispute service), before or beside decide
  | 'no-dispute-with-id'
  | 'changed-meanwhile'
  | 'unknown-person'
  | 'not-involved'
  | 'unknown-button'
  | 'draft-out-of-date';

/** What a person typed, for the sentences about typed text. */
export type TextSubject =
  | 'issue'
  | 'informal-attempts'
  | 'resolution-sought'
  | 'what-happened'
  | 'outcome'
  | 'minutes'
  | 'note'
  | 'reason'
  | 'referral-reason'
  | 'action'
  | 'action-owner';

/** The step a "not your step" refusal is about. */
export type StepName = 'record-informal-outcome' | 'record-outcome' | 'book-meeting' | 'decide';

export interface Refusal {
  readonly reason: RefusalReason;
  readonly code: RefusalCode;
  readonly field?: RefusalField;
  readonly params: RefusalParams;
}

/** A check that reports every problem it finds, each naming its field. */
export type Validation<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly Refusal[] };

/** Thrown only inside `decide` to unwind a handler; `decide` turns it into a returned refusal. */
export class RefusalSignal {
  constructor(readonly refusal: Refusal) {}
}

export function refusal(
  reason: RefusalReason,
  code: RefusalCode,
  params: RefusalParams = {},
  field?: RefusalField,
): Refusal {
  return { reason, code, ...(field ? { field } : {}), params };
}

/** Refuses the event being decided (inside `decide` only). */
export function refuse(
  reason: RefusalReason,
  code: RefusalCode,
  params: RefusalParams = {},
  field?: RefusalField,
): never {
  throw new RefusalSignal(refusal(reason, code, params, field));
}
