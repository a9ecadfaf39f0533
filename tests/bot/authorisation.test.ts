/**
 * Authorisation comes before everything in step actions: a person who does not take part in a
 * dispute learns only that it is not theirs, whatever `seq` their card carries.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadProcedures } from '../../src/procedures/index.ts';
import {
  actionsOf,
  cardOf,
  createHarness,
  GOOD_RAISE,
  type Harness,
  raiseDispute,
  textOf,
} from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
beforeEach(async () => {
  await h.reset();
});
afterAll(async () => {
  await h.close();
});

const ane = loadProcedures().get('ane');

/** Everything a refusal to a non-party must not say. */
async function secretsOf(id: string): Promise<string[]> {
  const state = await h.service.get(id);
  if (!state || !ane) throw new Error('no dispute');
  const stage = ane.stages.find((s) => s.id === state.stage.id);
  return [
    state.caseReference,
    ane.name,
    ane.shortName,
    stage?.name ?? state.stage.id,
    state.stage.phase,
    ...(state.stage.dueDate ? [state.stage.dueDate] : []),
    ...(state.overallDue ? [state.overallDue.slice(0, 10)] : []),
    '2026',
    'out of date',
    'Team Manager',
  ];
}

describe('a step action from someone not taking part', () => {
  for (const [label, seqOf] of [
    ['a stale seq (99)', async () => 99],
    ['the current seq', async (id: string) => (await h.service.get(id))?.seq ?? 0],
  ] as const) {
    it(`answers only "not yours" to ${label}, and changes nothing`, async () => {
      const id = await raiseDispute(h);
      const before = await h.service.get(id);
      // The Service Manager is in the directory but not (yet) part of this dispute.
      const { card } = await h.click('serviceManager', 'escalate', {
        disputeId: id,
        seq: await seqOf(id),
        ...GOOD_RAISE,
      });
      const text = textOf(card);
      expect(text).toContain('This dispute is not one you are taking part in');
      for (const secret of await secretsOf(id)) expect(text).not.toContain(secret);
      expect(JSON.stringify(card)).not.toContain(id);
      expect(actionsOf(card).map((a) => a.verb)).not.toContain('open-dispute');
      expect((await h.service.get(id))?.seq).toBe(before?.seq);
    });
  }

  it('answers a refresh of a step card the same way', async () => {
    const id = await raiseDispute(h);
    const { card } = await h.click('serviceManager', 'refresh', { view: 'step', disputeId: id, seq: 99 });
    const text = textOf(card);
    expect(text).toContain('This dispute is not one you are taking part in');
    for (const secret of await secretsOf(id)) expect(text).not.toContain(secret);
    expect(JSON.stringify(card)).not.toContain(id);
  });

  it('still tells a party whose step it is not who the step is for', async () => {
    const id = await raiseDispute(h);
    const seq = (await h.service.get(id))?.seq ?? 0;
    const { card, sent } = await h.click('practitioner', 'escalate', { disputeId: id, seq, ...GOOD_RAISE });
    // Said in a reply of its own: the card that was clicked stays as it was.
    expect(card).toBeNull();
    expect(textOf(cardOf(sent))).toContain('This step is for Team Manager, Adopt North East');
  });

  // Found by `npm run fuzz` (seed 20261202): `Number({ toString: 'x' })` throws, the turn failed
  // and the invoke got botbuilder's 501 instead of an answer.
  for (const [label, seq] of [
    ['an object whose toString is not a function', { toString: 'x' }],
    ['an array', [1]],
    ['a number written with letters', '1e3'],
  ] as const) {
    it(`treats a card whose seq is ${label} as out of date, and answers the party`, async () => {
      const id = await raiseDispute(h);
      const before = await h.service.get(id);
      const { card, body } = await h.click('teamManager', 'informal', {
        disputeId: id,
        seq,
        choice: 'accept',
      });
      expect(body.statusCode).toBe(200);
      expect(textOf(card)).toContain('out of date');
      expect((await h.service.get(id))?.seq).toBe(before?.seq);
    });
  }
});
