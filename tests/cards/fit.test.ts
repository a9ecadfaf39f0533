/**
 * Cards kept within what Teams accepts (src/cards/fit.ts): a bot message over about 100 KB of
 * UTF-16 is refused with 413, and a refused step card is never seen. Text the other agency or a
 * person wrote can be any length and any characters; every card must still fit, say that it was
 * shortened, and keep what an input holds whole.
 */
import { describe, expect, it } from 'vitest';
import { CARD_BUDGET, fitCard, SHORTENED_NOTICE, shorten } from '../../src/cards/fit.ts';
import { MAX_REPLY_PARAGRAPHS } from '../../src/cards/present-steps.ts';
import { renderCard } from '../../src/cards/render.ts';
import { FIXTURES } from './fixtures.ts';

/** What Teams counts: the activity with the card attachment, in UTF-16 bytes. */
const teamsBytes = (card: unknown) =>
  JSON.stringify({
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
  }).length * 2;

const texts = (card: unknown): string[] => {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
};

/** Replies of the longest length Concord keeps (20,000 characters), made to cost the most. */
const TOO_LONG: Record<string, string> = {
  'markdown punctuation throughout': '*'.repeat(20_000),
  'thousands of short paragraphs': Array.from({ length: 7_000 }, () => 'a')
    .join('\n\n')
    .slice(0, 20_000),
  'backslashes and braces': '\\{$}'.repeat(5_000),
};
/** As long, but they fit whole (the paragraphs past the 40th share a block). */
const LONG: Record<string, string> = {
  '400 paragraphs of quoted thread': Array.from(
    { length: 400 },
    (_, i) => `> On Monday, Team Manager, Gateshead wrote (ref #${i}): see www.example.org/${i}`,
  )
    .join('\n\n')
    .slice(0, 20_000),
  'emoji (two UTF-16 units each)': '😀'.repeat(10_000),
};

describe('a reply to review', () => {
  const base = FIXTURES['review-reply'];
  const render = (text: string) => renderCard('review-reply', { ...base, reply: { ...base.reply, text } });
  const decidable = (card: unknown) => {
    // The buttons to decide are still there.
    expect(JSON.stringify(card)).toContain('"Agreed"');
    expect(JSON.stringify(card)).toContain('"Not agreed"');
  };

  it.each(Object.entries(TOO_LONG))(
    'of %s is shortened to fit in a Teams message, and says so',
    (_name, text) => {
      const card = render(text);
      expect(teamsBytes(card)).toBeLessThan(80 * 1024);
      const shown = texts(card);
      expect(shown[0]).toBe(SHORTENED_NOTICE);
      decidable(card);
      expect(shown.length).toBeLessThan(MAX_REPLY_PARAGRAPHS + 20);
      // No text ends inside an escape (an odd run of backslashes before the ellipsis).
      for (const t of shown) expect(/(^|[^\\])(\\\\)*\\…$/.test(t)).toBe(false);
    },
  );

  it.each(Object.entries(LONG))('of %s fits whole, with no notice', (_name, text) => {
    const card = render(text);
    expect(teamsBytes(card)).toBeLessThan(80 * 1024);
    expect(texts(card)).not.toContain(SHORTENED_NOTICE);
    expect(texts(card).some((t) => t.endsWith('…'))).toBe(false);
    decidable(card);
  });

  it('of an ordinary length is shown paragraph by paragraph, with no notice', () => {
    const text = Array.from({ length: 30 }, (_, i) => `Paragraph ${i}: we will hold a review.`).join('\n\n');
    const shown = texts(render(text));
    expect(shown).not.toContain(SHORTENED_NOTICE);
    expect(shown).toContain('Paragraph 29: we will hold a review.');
  });

  it('keeps every paragraph past the 40th, in the last block', () => {
    const text = Array.from({ length: 60 }, (_, i) => `Paragraph ${i}.`).join('\n\n');
    const shown = texts(render(text));
    expect(shown.filter((t) => t.startsWith('Paragraph'))).toHaveLength(MAX_REPLY_PARAGRAPHS);
    expect(shown.find((t) => t.startsWith('Paragraph 39.'))).toContain('Paragraph 59.');
  });
});

describe('fitCard', () => {
  it('returns a card that fits as it is', () => {
    const card = { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'short' }] };
    expect(fitCard(card)).toBe(card);
    expect(card.body).toHaveLength(1);
  });

  it("shortens the longest display texts first and never an input's value", () => {
    const typed = 'x'.repeat(30_000);
    const card = {
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', text: 'A short heading' },
        { type: 'TextBlock', text: 'y'.repeat(20_000) },
        { type: 'FactSet', facts: [{ title: 'Issue', value: 'z '.repeat(10_000) }] },
        { type: 'Input.Text', id: 'minutes', value: typed },
      ],
    };
    const fitted = fitCard(card, 40_000);
    expect(JSON.stringify(fitted).length).toBeLessThanOrEqual(40_000);
    expect(fitted.body[0]).toMatchObject({ text: SHORTENED_NOTICE });
    expect(fitted.body[1]).toMatchObject({ text: 'A short heading' });
    expect((fitted.body[2] as { text: string }).text.length).toBeLessThan(20_000);
    expect((fitted.body[4] as { value: string }).value).toBe(typed);
  });

  it('keeps cards within its budget for every template at its longest', () => {
    expect(CARD_BUDGET * 2).toBeLessThan(80 * 1024);
  });
});

describe('shorten', () => {
  it('cuts at a space near the limit, with an ellipsis', () => {
    expect(shorten('one two three four', 12)).toBe('one two…');
    expect(shorten('short', 12)).toBe('short');
  });
  it('never leaves a lone backslash or half a surrogate pair at the end', () => {
    expect(shorten('\\*'.repeat(100), 11)).toBe('\\*\\*\\*\\*\\*…');
    expect(shorten('😀'.repeat(100), 12)).toBe(`${'😀'.repeat(5)}…`);
  });
});
