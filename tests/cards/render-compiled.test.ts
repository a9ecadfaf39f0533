/**
 * Templates are compiled once and reused for every render: each card still shows only its own
 * person's data, whatever was rendered before it, and changing one rendered card changes no other.
 */
import { describe, expect, it } from 'vitest';
import { renderCard } from '../../src/cards/index.ts';

const texts = (card: unknown): string => JSON.stringify(card);

describe('a template compiled once', () => {
  it('greets each person by their own name, in any order', () => {
    const alex = renderCard('welcome', { userName: 'Alex' });
    const sam = renderCard('welcome', { userName: 'Sam' });
    const again = renderCard('welcome', { userName: 'Alex' });
    expect(texts(alex)).toContain('Alex');
    expect(texts(sam)).toContain('Sam');
    expect(texts(sam)).not.toContain('Alex');
    expect(again).toEqual(alex);
  });

  it('gives every render a card of its own', () => {
    const first = renderCard('welcome', { userName: 'Alex' });
    (first.body as unknown[]).length = 0;
    const second = renderCard('welcome', { userName: 'Alex' });
    expect((second.body as unknown[]).length).toBeGreaterThan(0);
    expect(texts(second)).toContain('Alex');
  });
});
