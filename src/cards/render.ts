/**
 * Renders a card: a template from `adaptive-cards/` filled (adaptivecards-templating) with the data
 * the template's presenter makes from a typed view-model. Pure: no I/O, no clock.
 *
 * @example
 * const card = renderCard('welcome', { userName: 'Alex' });
 * // → { type: 'AdaptiveCard', version: '1.5', body: [...], actions: [{ type: 'Action.Execute', verb: 'raise', ... }] }
 */
import templating from 'adaptivecards-templating';
import decision from '../../adaptive-cards/decision.json' with { type: 'json' };
import disputeDetail from '../../adaptive-cards/dispute-detail.json' with { type: 'json' };
import error from '../../adaptive-cards/error.json' with { type: 'json' };
import help from '../../adaptive-cards/help.json' with { type: 'json' };
import immediateRisk from '../../adaptive-cards/immediate-risk.json' with { type: 'json' };
import meeting from '../../adaptive-cards/meeting.json' with { type: 'json' };
import myDisputes from '../../adaptive-cards/my-disputes.json' with { type: 'json' };
import outcome from '../../adaptive-cards/outcome.json' with { type: 'json' };
import raiseDispute from '../../adaptive-cards/raise-dispute.json' with { type: 'json' };
import raiseStart from '../../adaptive-cards/raise-start.json' with { type: 'json' };
import reviewReply from '../../adaptive-cards/review-reply.json' with { type: 'json' };
import reviewStatement from '../../adaptive-cards/review-statement.json' with { type: 'json' };
import welcome from '../../adaptive-cards/welcome.json' with { type: 'json' };
import { fitCard } from './fit.ts';
import { PRESENTERS } from './present.ts';
import type { CardViewModels, TemplateName } from './view-models.ts';

/** An Adaptive Card as JSON, ready for an attachment (`application/vnd.microsoft.card.adaptive`). */
export type AdaptiveCardJson = { readonly type: 'AdaptiveCard'; readonly version: string } & Record<
  string,
  unknown
>;

/** The raw templates, by name. */
export const TEMPLATES: Readonly<Record<TemplateName, object>> = {
  welcome,
  help,
  error,
  'immediate-risk': immediateRisk,
  'raise-dispute': raiseDispute,
  'raise-start': raiseStart,
  decision,
  'review-statement': reviewStatement,
  'review-reply': reviewReply,
  meeting,
  outcome,
  'my-disputes': myDisputes,
  'dispute-detail': disputeDetail,
};

/** A template bound a name its presenter did not supply: a programming error, never user input. */
export class CardRenderError extends Error {
  override readonly name = 'CardRenderError';
  constructor(
    readonly template: TemplateName,
    readonly unbound: readonly string[],
  ) {
    super(`card ${template}: unbound template expressions at ${unbound.join(', ')}`);
  }
}

/** The MIME type of an Adaptive Card attachment. */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/**
 * Fills template `name` from `viewModel`. Throws `CardRenderError` when the template refers to data
 * the presenter did not provide. Input `value`s are exempt from that check: they hold text as typed.
 */
export function renderCard<K extends TemplateName>(name: K, viewModel: CardViewModels[K]): AdaptiveCardJson {
  const present = PRESENTERS[name] as (vm: CardViewModels[K]) => Record<string, unknown>;
  return fillTemplate(name, TEMPLATES[name], present(viewModel));
}

/**
 * Templates compiled once: `new Template(payload)` parses every `${…}` expression (adaptive-expressions,
 * antlr4ts), which was 38% of a turn's CPU when it ran per render (issue 15). The library documents an
 * instance as reusable for any number of `expand`s; `expand` is synchronous and keeps no state between
 * calls, so one instance per template serves every render.
 */
const compiled = new WeakMap<object, InstanceType<typeof templating.Template>>();

function compiledTemplate(template: object): InstanceType<typeof templating.Template> {
  let found = compiled.get(template);
  if (!found) {
    found = new templating.Template(template);
    compiled.set(template, found);
  }
  return found;
}

/**
 * Compiles the named templates (all of them by default) now, so that no turn pays for parsing. The
 * app calls it one template at a time once it is listening (src/app/create-app.ts).
 */
export function compileTemplates(
  names: readonly TemplateName[] = Object.keys(TEMPLATES) as TemplateName[],
): void {
  for (const name of names) compiledTemplate(TEMPLATES[name]);
}

/** Expands one template with presenter data; exported for tests of the binding check. */
export function fillTemplate(
  name: TemplateName,
  template: object,
  data: Record<string, unknown>,
): AdaptiveCardJson {
  const expanded = compiledTemplate(template).expand({ $root: data }) as unknown;
  const card = prune(expanded) as AdaptiveCardJson;
  const unbound: string[] = [];
  findUnbound(card, '$', unbound);
  if (unbound.length > 0) throw new CardRenderError(name, unbound);
  return fitCard(card);
}

/** Wraps a card as a Bot Framework attachment. */
export function cardAttachment(card: AdaptiveCardJson): { contentType: string; content: AdaptiveCardJson } {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}

/**
 * Drops `null`s (a `$when` that was false on an object, or an absent optional block like `refresh`).
 * Action `data` is kept as built: its `disputeId: null` is meaningful.
 */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map(prune);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue;
      out[k] = k === 'data' ? v : prune(v);
    }
    return out;
  }
  return value;
}

function findUnbound(value: unknown, path: string, out: string[]): void {
  if (typeof value === 'string') {
    if (value.includes('${')) out.push(path);
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) findUnbound(v, `${path}[${i}]`, out);
    return;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'value' && typeof v === 'string' && isInput(value)) continue;
      findUnbound(v, `${path}.${k}`, out);
    }
  }
}

function isInput(o: object): boolean {
  const type = (o as { type?: unknown }).type;
  return typeof type === 'string' && type.startsWith('Input.');
}
