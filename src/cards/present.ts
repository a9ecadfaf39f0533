/**
 * Presenters: view-model → the data a template binds. This is where display text is escaped,
 * dates are formatted, RAG is computed and action payloads are built, so the templates stay
 * declarative and the same rules hold on every card.
 *
 * Every presenter returns every key its template binds (empty strings, empty arrays, booleans),
 * because adaptivecards-templating leaves an unbound `${…}` in the card as literal text.
 */

import type { Data } from './present-base.ts';
import { presentDisputeDetail, presentMyDisputes } from './present-disputes.ts';
import {
  presentError,
  presentHelp,
  presentImmediateRisk,
  presentRaise,
  presentRaiseStart,
  presentWelcome,
} from './present-entry.ts';
import {
  presentDecision,
  presentMeeting,
  presentOutcome,
  presentReviewReply,
  presentReviewStatement,
} from './present-steps.ts';
import type { CardViewModels, TemplateName } from './view-models.ts';

export { type ActionData, action, presentDeadlines } from './present-base.ts';

type Presenters = { [K in TemplateName]: (vm: CardViewModels[K]) => Data };

export const PRESENTERS: Presenters = {
  welcome: presentWelcome,
  help: presentHelp,
  error: presentError,
  'immediate-risk': presentImmediateRisk,
  'raise-dispute': presentRaise,
  'raise-start': presentRaiseStart,
  decision: presentDecision,
  'review-statement': presentReviewStatement,
  'review-reply': presentReviewReply,
  meeting: presentMeeting,
  outcome: presentOutcome,
  'my-disputes': presentMyDisputes,
  'dispute-detail': presentDisputeDetail,
};
