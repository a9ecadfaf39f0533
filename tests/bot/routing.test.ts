import { ActivityTypes } from 'botbuilder';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { actionsOf, cardOf, createHarness, type Harness, inputsOf, textOf } from './harness.ts';

const GOOD = {
  caseReference: 'ANE-2026-0042',
  counterpartOrganisationId: 'newcastle',
  category: 'incomplete-documentation',
  issue: 'The child permanence report has not been completed, delaying matching.',
  informalAttempts: 'Discussed with the allocated social worker on 5 January; no date given.',
  resolutionSought: 'The report completed within ten working days.',
};

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

/** Raise → immediate risk → no → returns the wizard card and its draft id. */
async function openWizard(): Promise<{ card: Record<string, unknown>; draftId: string }> {
  const first = await h.say('practitioner', 'raise a dispute');
  const risk = cardOf(first);
  const no = actionsOf(risk).find((a) => a.verb === 'immediate-risk-no');
  expect(no).toBeDefined();
  const { card } = await h.click('practitioner', 'immediate-risk-no', no?.data ?? {});
  expect(card).not.toBeNull();
  const submit = actionsOf(card).find((a) => a.verb === 'submit-raise');
  return { card: card as Record<string, unknown>, draftId: String(submit?.data.disputeId) };
}

async function raise(): Promise<string> {
  const { draftId } = await openWizard();
  const { card } = await h.click('practitioner', 'submit-raise', {
    disputeId: draftId,
    seq: 0,
    procedureId: 'ane',
    ...GOOD,
  });
  expect(textOf(card)).toContain('Dispute raised');
  return draftId;
}

describe('personal chat', () => {
  it('welcomes the person when the app is installed', async () => {
    const sent = await h.send('practitioner', {
      type: ActivityTypes.ConversationUpdate,
      membersAdded: [{ id: 'concord-bot', name: 'Concord' }],
    });
    const text = textOf(cardOf(sent));
    expect(text).toMatch(/Concord/);
    expect(actionsOf(cardOf(sent)).map((a) => a.verb)).toEqual(
      expect.arrayContaining(['raise', 'my-disputes', 'help']),
    );
  });

  it('answers "help" with the help card listing the procedures', async () => {
    const sent = await h.say('practitioner', 'Help');
    const text = textOf(cardOf(sent));
    expect(text).toContain('ANE');
    expect(text).toMatch(/Solihull|SSAB/);
  });

  it('asks about immediate risk first, with the procedure guidance and contacts', async () => {
    const sent = await h.say('practitioner', 'raise a dispute');
    const card = cardOf(sent);
    expect(inputsOf(card)).toEqual([]);
    const text = textOf(card);
    expect(text).toMatch(/immediate risk/i);
    expect(text).toContain('999');
    expect(text).toContain('MASH');
    const yes = actionsOf(card).find((a) => a.verb === 'immediate-risk-yes');
    const { card: contacts } = await h.click('practitioner', 'immediate-risk-yes', yes?.data ?? {});
    expect(textOf(contacts)).toMatch(/Contact them now/);
  });

  it('opens the raise wizard with the procedure defaulted from the organisation', async () => {
    const { card } = await openWizard();
    expect(inputsOf(card)).toEqual(
      expect.arrayContaining(['caseReference', 'counterpartOrganisationId', 'category', 'issue']),
    );
    expect(textOf(card)).toContain('Newcastle City Council');
    expect(textOf(card)).toContain('Procedure: Adopt North East');
  });

  it('shows each field’s problem in the domain’s words, on the card', async () => {
    const { draftId } = await openWizard();
    const { card } = await h.click('practitioner', 'submit-raise', {
      disputeId: draftId,
      seq: 0,
      ...GOOD,
      caseReference: 'ANE 2026 <b>',
      counterpartOrganisationId: '',
      issue: '   ',
    });
    const text = textOf(card);
    expect(text).toContain('The case reference must be 2–40 letters');
    expect(text).toContain('Choose the partner organisation.');
    expect(text).toContain('What is in dispute and its impact is required.');
    expect(await h.service.get(draftId)).toBeNull();
  });

  it('refuses a partner organisation the directory does not know for the procedure', async () => {
    const { draftId } = await openWizard();
    const { card } = await h.click('practitioner', 'submit-raise', {
      disputeId: draftId,
      seq: 0,
      ...GOOD,
      counterpartOrganisationId: 'not-a-partner',
    });
    expect(textOf(card)).toContain('Choose one of the partner organisations listed for ANE.');
    expect(await h.service.get(draftId)).toBeNull();
  });

  it('keeps a half-finished draft', async () => {
    const { draftId } = await openWizard();
    await h.click('practitioner', 'save-draft', {
      disputeId: draftId,
      seq: 0,
      caseReference: 'ANE-77',
      issue: 'Half typed',
    });
    const { card } = await openWizard();
    expect(JSON.stringify(card)).toContain('ANE-77');
    expect(JSON.stringify(card)).toContain('Half typed');
    expect(textOf(card)).toMatch(/Draft saved/);
  });

  it('raises the dispute and lists it under "my disputes" with its stage and deadline', async () => {
    const id = await raise();
    const state = await h.service.get(id);
    expect(state?.stage.phase).toBe('awaiting-decision');
    expect(state?.stage.awaiting?.id).toBe('ane-team-manager');
    const outbox = await h.store.db.selectFrom('outbox').selectAll().where('dispute_id', '=', id).execute();
    expect(
      outbox.some((r) => r.type === 'send-card' && JSON.stringify(r.effect).includes('ane-team-manager')),
    ).toBe(true);
    const list = textOf(cardOf(await h.say('practitioner', 'my disputes')));
    expect(list).toContain('ANE-2026-0042');
    expect(list).toMatch(/waiting for Team Manager, Adopt North East/);
  });

  it('shows a dispute only to the people taking part in it', async () => {
    const id = await raise();
    const mine = await h.click('practitioner', 'open-dispute', { disputeId: id });
    expect(JSON.stringify(mine.sent)).toContain('ANE-2026-0042');
    // The Service Manager is not involved yet: knowing the id is not enough to read the case.
    const other = await h.click('serviceManager', 'open-dispute', { disputeId: id });
    expect(JSON.stringify(other.sent)).not.toContain('ANE-2026-0042');
    expect(JSON.stringify(other.sent)).toContain('not one you are taking part in');
  });

  it('says who it is for when someone outside the directory writes', async () => {
    const text = textOf(cardOf(await h.say('stranger', 'raise a dispute')));
    expect(text).toMatch(/could not find you in the partnership directory/);
  });
});

describe('decision cards', () => {
  it('only the person whose step it is can act', async () => {
    const id = await raise();
    const seq = (await h.service.get(id))?.seq ?? 0;
    const wrong = await h.click('practitioner', 'escalate', { disputeId: id, seq, ...GOOD });
    // The refusal is a reply of its own; the card that was clicked is left as it was.
    expect(wrong.card).toBeNull();
    expect(textOf(cardOf(wrong.sent))).toContain('This step is for Team Manager, Adopt North East');
    expect(wrong.body.value).toContain('This step is for Team Manager, Adopt North East');
    expect((await h.service.get(id))?.stage.phase).toBe('awaiting-decision');

    const right = await h.click('teamManager', 'escalate', { disputeId: id, seq, ...GOOD });
    expect(textOf(right.card)).toContain('Done');
    const state = await h.service.get(id);
    expect(state?.stage.id).not.toBe('informal');
    expect(state?.stage.actor?.id).toBe('ane-team-manager');
  });

  it('never takes the actor from the card data', async () => {
    const id = await raise();
    const seq = (await h.service.get(id))?.seq ?? 0;
    const forged = await h.click('practitioner', 'escalate', {
      disputeId: id,
      seq,
      by: 'ane-team-manager',
      personId: 'ane-team-manager',
      from: { id: 'user-id-1' },
    });
    expect(forged.card).toBeNull();
    expect(textOf(cardOf(forged.sent))).toContain('This step is for');
  });

  it('refreshes a stale card read-only, so it cannot act twice', async () => {
    const id = await raise();
    const seq = (await h.service.get(id))?.seq ?? 0;
    await h.click('teamManager', 'escalate', { disputeId: id, seq, ...GOOD });
    const after = await h.service.get(id);
    const again = await h.click('teamManager', 'escalate', { disputeId: id, seq, ...GOOD });
    expect(textOf(again.card)).toContain('This card is out of date');
    expect(actionsOf(again.card).filter((a) => a.verb === 'escalate')).toEqual([]);
    expect((await h.service.get(id))?.seq).toBe(after?.seq);
  });

  it('routes the Action.Submit fallback the same way, updating the submitted card', async () => {
    const id = await raise();
    const seq = (await h.service.get(id))?.seq ?? 0;
    const update = vi.spyOn(h.adapter, 'updateActivity');
    await h.send('teamManager', {
      type: ActivityTypes.Message,
      replyToId: 'card-activity-1',
      value: { verb: 'accept', disputeId: id, seq },
    });
    expect((await h.service.get(id))?.status).toBe('accepted');
    expect(update).toHaveBeenCalledTimes(1);
    const replaced = update.mock.calls[0]?.[1];
    expect(replaced?.id).toBe('card-activity-1');
    expect(textOf(replaced?.attachments?.[0]?.content)).toContain('Done: decision accepted');
    update.mockRestore();
  });

  it('answers a refusal from the domain beside the card, which stays as it was', async () => {
    const id = await raise();
    const seq = (await h.service.get(id))?.seq ?? 0;
    const { card, sent } = await h.click('teamManager', 'ack-agreed', { disputeId: id, seq });
    expect(card).toBeNull();
    expect(textOf(cardOf(sent))).toMatch(/cannot be done now|No reply/);
  });
});

describe('local mode: act as', () => {
  it('lets the Playground user act as another role, and go back', async () => {
    const sent = await h.say('practitioner', 'act as team-manager');
    expect(sent.map((a) => a.text).join()).toContain('Team Manager, Adopt North East');
    const who = await h.say('practitioner', 'whoami');
    expect(who[0]?.text).toContain('ane-team-manager');
    await h.say('practitioner', 'act as me');
    expect((await h.say('practitioner', 'whoami'))[0]?.text).toContain('ane-practitioner');
  });

  it('acts on a card as the chosen person', async () => {
    const id = await raise();
    const seq = (await h.service.get(id))?.seq ?? 0;
    await h.say('practitioner', 'act as ane-team-manager');
    const { card } = await h.click('practitioner', 'escalate', { disputeId: id, seq, ...GOOD });
    expect(textOf(card)).toContain('Done');
  });
});

describe('act as is refused outside local mode', () => {
  for (const [label, options] of [
    ['BOT_ID set', { mode: 'cloud' as const, nodeEnv: 'development' }],
    ['NODE_ENV=production', { mode: 'local' as const, nodeEnv: 'production' }],
  ] as const) {
    it(`refuses when ${label}`, async () => {
      const other = await createHarness(options);
      try {
        const sent = await other.say('practitioner', 'act as team-manager');
        expect(sent[0]?.text).toMatch(/only possible in local mode|never possible with NODE_ENV=production/);
        expect((await other.say('practitioner', 'whoami'))[0]?.text).toContain('ane-practitioner');
      } finally {
        await other.close();
      }
    });
  }
});
