/**
 * The adaptivecards library, loaded from its UMD bundle: its `lib/` build is ESM without file
 * extensions, which Node cannot import.
 */
import { createRequire } from 'node:module';
import type * as AdaptiveCards from 'adaptivecards';

const require = createRequire(import.meta.url);

export const AC = require('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCards;

/** Absolute paths of the browser bundles the Chromium test loads into the page. */
export const BROWSER_BUNDLES = {
  adaptiveCards: require.resolve('adaptivecards/dist/adaptivecards.min.js'),
  markdownIt: require.resolve('markdown-it/dist/markdown-it.min.js'),
};

export interface ParseReport {
  readonly parseEvents: readonly string[];
  readonly validationEvents: readonly string[];
  readonly card: AdaptiveCards.AdaptiveCard;
}

/** Parses a card the way a host does and collects every parse and validation event. */
export function parseCard(json: object): ParseReport {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json, context);
  const parseEvents: string[] = [];
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    parseEvents.push(`${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  const validationEvents = card
    .validateProperties()
    .validationEvents.map((e) => `${AC.ValidationEvent[e.event]}: ${e.message}`);
  return { parseEvents, validationEvents, card };
}
