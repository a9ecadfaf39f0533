/**
 * Card verbs: the one list shared by the card views and the bot's router.
 *
 * Domain verbs (`VERBS`, from the stage flow) become dispute events; UI verbs only move the
 * conversation (open a card, save a draft). `refer:<routeId>` carries an exceptional route.
 *
 * Every action's `data` is a `CardActionData`: the verb, the dispute (or draft) id and the `seq`
 * the card was rendered at. The router refuses an action whose `seq` is older than the dispute's
 * (a stale card), so a card cannot act twice.
 */
import { VERBS } from '../domain/dispute/stage-flow.ts';

export { VERBS };

/** Verbs that only drive the conversation and the cards; they never reach `decide()` as such. */
export const UI_VERBS = {
  raise: 'raise',
  saveDraft: 'save-draft',
  submitRaise: 'submit-raise',
  /** Discards the person's raise draft. */
  cancelRaise: 'cancel-raise',
  immediateRiskYes: 'immediate-risk-yes',
  immediateRiskNo: 'immediate-risk-no',
  myDisputes: 'my-disputes',
  openDispute: 'open-dispute',
  help: 'help',
  refresh: 'refresh',
} as const;

/** Every verb a card can carry. */
export const CARD_VERBS = { ...VERBS, ...UI_VERBS } as const;

export type DomainVerb = (typeof VERBS)[keyof typeof VERBS];
export type UiVerb = (typeof UI_VERBS)[keyof typeof UI_VERBS];
/** `refer:<routeId>`: take the procedure's exceptional route `routeId`. */
export type ReferVerb = `${typeof VERBS.refer}:${string}`;
export type CardVerb = DomainVerb | UiVerb | ReferVerb;

const KNOWN = new Set<string>(Object.values(CARD_VERBS));

/** The payload of every card action (`Action.Execute.data` and the `Action.Submit` fallback's `data`). */
export interface CardActionData {
  readonly verb: CardVerb;
  /** The dispute the card is about; for the raise wizard, the draft's id; null for general cards. */
  readonly disputeId: string | null;
  /** The dispute's `seq` when the card was rendered: the card's version, for stale-card detection. */
  readonly seq: number;
  /** Extra fixed values for the verb (e.g. `procedureId` on "Raise a dispute"). Inputs arrive beside these. */
  readonly [extra: string]: string | number | null;
}

export type ParsedVerb =
  | { readonly kind: 'domain'; readonly verb: DomainVerb }
  | { readonly kind: 'ui'; readonly verb: UiVerb }
  | { readonly kind: 'refer'; readonly verb: typeof VERBS.refer; readonly routeId: string }
  | { readonly kind: 'unknown'; readonly verb: string };

const DOMAIN = new Set<string>(Object.values(VERBS));

/**
 * Classifies a verb received from a card.
 * @example parseVerb('refer:board-chair') // { kind: 'refer', verb: 'refer', routeId: 'board-chair' }
 */
export function parseVerb(verb: string): ParsedVerb {
  const refer = /^refer:([a-z0-9][a-z0-9-]*)$/.exec(verb);
  if (refer?.[1]) return { kind: 'refer', verb: VERBS.refer, routeId: refer[1] };
  if (DOMAIN.has(verb) && verb !== VERBS.refer) return { kind: 'domain', verb: verb as DomainVerb };
  if (KNOWN.has(verb) && !DOMAIN.has(verb)) return { kind: 'ui', verb: verb as UiVerb };
  return { kind: 'unknown', verb };
}

/** Whether a string is a verb some card can send. */
export function isCardVerb(verb: string): verb is CardVerb {
  return parseVerb(verb).kind !== 'unknown';
}
