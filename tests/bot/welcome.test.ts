import { describe, expect, it } from 'vitest';
import { welcomeCard } from '../../src/bot/general-cards.ts';
import { unescapeCardText } from '../../src/cards/escape.ts';

const greeting = (card: unknown) =>
  unescapeCardText(
    ((card as { body: { type: string; text?: string }[] }).body.find((b) => b.text?.startsWith('Hello'))
      ?.text ?? '') as string,
  );

describe('the welcome greets by the directory display name, whole', () => {
  it('a display name that is a role is not cut to its first word ("Hello Allocated")', () => {
    const card = welcomeCard({
      id: 'gh-asw',
      name: 'Allocated Social Worker, Gateshead',
      email: 'asw@gateshead.example',
      organisationId: 'gateshead',
    } as Parameters<typeof welcomeCard>[0]);
    expect(greeting(card)).toBe('Hello Allocated Social Worker, Gateshead. I am Concord.');
  });

  it('prefers the directory name to the Teams name, and greets neutrally without either', () => {
    const person = { id: 'p', name: 'Alex Wilber', email: 'a@x.example', organisationId: 'x' };
    expect(greeting(welcomeCard(person as Parameters<typeof welcomeCard>[0], 'user-id-0'))).toBe(
      'Hello Alex Wilber. I am Concord.',
    );
    expect(greeting(welcomeCard(null, null))).toBe('Hello, I am Concord.');
  });
});
