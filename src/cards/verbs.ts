/**
 * Card verbs, as the cards use them: the verb list itself is the domain's
 * (`src/domain/dispute/verbs.ts`); this adds the payload every card action carries.
 *
 * Every action's `data` is a `CardActionData`: the verb, the dispute (or draft) id and the `seq`
 * the card was rendered at. The router refuses an action whose `seq` is older than the dispute's
 * (a stale card), so a card cannot act twice.
 */
import type { CardVerb } from '../domain/dispute/verbs.ts';

export {
  CARD_VERBS,
  type CardVerb,
  type DomainVerb,
  isCardVerb,
  type ParsedVerb,
  parseVerb,
  type ReferVerb,
  referVerb,
  UI_VERBS,
  type UiVerb,
  VERB_MEANING,
  VERBS,
} from '../domain/dispute/verbs.ts';

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
