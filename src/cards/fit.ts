/**
 * Keeps a rendered card within what Teams accepts. Teams refuses a bot message over about 100 KB,
 * counted in UTF-16 (413 `MessageSizeTooBig`), and Microsoft recommends keeping a message within
 * 80 KB ("Format your bot messages"). A refused step card is never seen: a manager would not get
 * the reply to review, and the dispute would wait. Most of a card is bounded by its template; the
 * text people typed is not, and escaping for markdown can triple it (a reply of 20,000 `*` is
 * 60,000 characters of JSON). So when a card's JSON is over `CARD_BUDGET` UTF-16 code units, its
 * longest display texts (TextBlock `text`, FactSet `value`) are shortened, longest first, at a
 * word, until it fits, and a line at the top says so. Input values are never touched: they hold
 * what the person typed and will submit. Pure.
 *
 * @example
 * const card = fitCard(expanded); // the same object when it already fits
 */

/** UTF-16 code units of card JSON: 72 KB, inside Microsoft's recommended 80 KB with the activity around it. */
export const CARD_BUDGET = 36_000;

/** A text is never shortened below this many characters. */
const SHORTEST = 240;

export const SHORTENED_NOTICE =
  'Some long text is shortened here so that Teams can show this card. The Disputes tab and the case file show it in full.';

interface Slot {
  readonly holder: Record<string, unknown>;
  readonly key: string;
  readonly original: string;
}

/** The display texts of a card, where they are held. */
function displayTexts(value: unknown, out: Slot[]): void {
  if (Array.isArray(value)) {
    for (const item of value) displayTexts(item, out);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const node = value as Record<string, unknown>;
  if (node.type === 'TextBlock' && typeof node.text === 'string') {
    out.push({ holder: node, key: 'text', original: node.text });
  }
  if (node.type === 'FactSet' && Array.isArray(node.facts)) {
    for (const fact of node.facts) {
      if (fact && typeof fact === 'object' && typeof (fact as { value?: unknown }).value === 'string') {
        const holder = fact as Record<string, unknown>;
        out.push({ holder, key: 'value', original: holder.value as string });
      }
    }
  }
  for (const [key, child] of Object.entries(node)) {
    // Inputs and action data carry what is submitted; they are not display text.
    if (key === 'data' || key === 'value' || key === 'facts') continue;
    if (child && typeof child === 'object') displayTexts(child, out);
  }
}

/**
 * `text` cut to at most `max` characters, at a space where one is near, with "…". Never ends inside
 * an escape (a lone trailing backslash would escape the ellipsis) or a surrogate pair.
 */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const space = text.lastIndexOf(' ', cut);
  if (space > cut - 40 && space > 0) cut = space;
  let head = text.slice(0, cut);
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  const backslashes = /\\+$/.exec(head)?.[0].length ?? 0;
  if (backslashes % 2 === 1) head = head.slice(0, -1);
  return `${head.replace(/[\s\u200B]+$/, '')}…`;
}

/** The notice block as the card will hold it, and what it adds to the JSON. */
const NOTICE = {
  type: 'TextBlock',
  text: SHORTENED_NOTICE,
  wrap: true,
  isSubtle: true,
  size: 'Small',
} as const;
const NOTICE_SIZE = JSON.stringify(NOTICE).length + 1;

export function fitCard<C extends object>(card: C, budget = CARD_BUDGET): C {
  let size = JSON.stringify(card).length;
  if (size <= budget) return card;
  // Room for the notice, so the card with it is within the budget.
  size += NOTICE_SIZE;
  const slots: Slot[] = [];
  displayTexts(card, slots);
  let cap = Math.max(0, ...slots.map((s) => s.original.length));
  while (size > budget && cap > SHORTEST) {
    cap = Math.max(SHORTEST, Math.floor(cap * 0.7));
    for (const slot of slots)
      if (slot.original.length > cap) slot.holder[slot.key] = shorten(slot.original, cap);
    size = JSON.stringify(card).length + NOTICE_SIZE;
  }
  const body = (card as { body?: unknown }).body;
  if (Array.isArray(body)) body.unshift({ ...NOTICE });
  return card;
}
