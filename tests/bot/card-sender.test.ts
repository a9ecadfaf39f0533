import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotAdapter } from '../../src/bot/adapter.ts';
import { createCardSender } from '../../src/bot/card-sender.ts';
import type { CardStateStore, ConversationOpener } from '../../src/bot/ports.ts';
import { refusalText } from '../../src/cards/wording/refusals.ts';
import { effectKey, effectSeq } from '../../src/domain/dispute/keys.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import type { SendCardEffect } from '../../src/runtime/effect-performer.ts';
import { actionsOf, createHarness, type Harness, textOf } from './harness.ts';

/** A Bot Connector stand-in: records what the bot posts and updates. */
interface ConnectorCall {
  method: string;
  path: string;
  body: { type?: string; attachments?: { content: unknown }[] };
}

let connector: Server;
let serviceUrl = '';
const calls: ConnectorCall[] = [];
let h: Harness;

beforeAll(async () => {
  let n = 0;
  connector = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls.push({ method: req.method ?? '', path: req.url ?? '', body: body ? JSON.parse(body) : {} });
      res.setHeader('content-type', 'application/json');
      n += 1;
      res.end(
        JSON.stringify({ id: req.method === 'PUT' ? (req.url ?? '').split('/').pop() : `activity-${n}` }),
      );
    });
  });
  await new Promise<void>((r) => connector.listen(0, '127.0.0.1', r));
  serviceUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}/`;
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
  await new Promise((r) => connector.close(r));
});

const reference = (conversationId: string) => ({
  channelId: 'msteams',
  serviceUrl,
  conversation: { id: conversationId, conversationType: 'personal' },
  bot: { id: 'concord-bot', name: 'Concord' },
  user: { id: 'user-id-1' },
});

async function raisedDispute(): Promise<{ id: string; cards: SendCardEffect[] }> {
  await h.reset();
  const id = `d-${Math.random().toString(36).slice(2, 10)}`;
  const by = (await h.people.person('ane-practitioner'))!;
  const result = await h.service.applyEvent(
    id,
    {
      type: 'raised',
      disputeId: id,
      by: { id: by.id, name: by.name, email: by.email, organisationId: by.organisationId },
      immediateRiskChecked: true,
      caseReference: 'ANE-CS-1',
      raisingOrganisationId: 'ane',
      counterpartOrganisationId: 'newcastle',
      category: 'incomplete-documentation',
      details: { issue: 'Issue text', informalAttempts: 'Tried', resolutionSought: 'Fix it' },
    },
    { source: 'teams', procedureId: 'ane' },
  );
  if (!result.ok) throw new Error(refusalText(result.refusal));
  const cards = result.effects.filter((e): e is SendCardEffect => e.type === 'send-card');
  return { id, cards };
}

function sender(opener: ConversationOpener, cards: CardStateStore = h.ports.cards) {
  return createCardSender({
    bot: createBotAdapter({ bot: null }),
    refs: h.ports.refs,
    cards,
    disputes: h.ports.disputes,
    procedures: new Map([['ane', requireAne()]]),
    opener,
    clock: h.clock,
  });
}

function requireAne() {
  const p = getProcedure('ane');
  if (!p) throw new Error('ane');
  return p;
}

const noInstall: ConversationOpener = { open: async () => ({ ok: false, error: 'not in this test' }) };

describe('card sender', () => {
  it('delivers a decision card proactively, rendered for the person whose step it is', async () => {
    const { cards } = await raisedDispute();
    const toTm = cards.find((c) => c.to.id === 'ane-team-manager');
    expect(toTm).toBeDefined();
    await h.ports.refs.save({
      personId: 'ane-team-manager',
      aadObjectId: null,
      reference: reference('conv-tm'),
    });
    calls.length = 0;
    const result = await sender(noInstall).perform(toTm as SendCardEffect);
    expect(result.ok).toBe(true);
    const posted = calls.filter((c) => c.method === 'POST');
    expect(posted).toHaveLength(1);
    expect(posted[0]?.path).toContain('/v3/conversations/conv-tm/activities');
    const card = posted[0]?.body.attachments?.[0]?.content;
    expect(textOf(card)).toContain('This step is for you, Team Manager, Adopt North East');
    expect(actionsOf(card).map((a) => a.verb)).toContain('escalate');
    // Universal Actions: the recipient's client re-fetches their own view of the step.
    expect((card as { refresh?: unknown }).refresh).toMatchObject({
      userIds: ['user-id-1'],
      action: { type: 'Action.Execute', verb: 'refresh', data: { view: 'step' } },
    });

    // The same effect key again (an outbox retry) sends nothing more.
    await sender(noInstall).perform(toTm as SendCardEffect);
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('answers a refresh with the person’s own view: actionable while the step is theirs, then read-only', async () => {
    const { id, cards } = await raisedDispute();
    await h.ports.refs.save({
      personId: 'ane-team-manager',
      aadObjectId: null,
      reference: reference('conv-tm'),
    });
    await sender(noInstall).perform(cards.find((c) => c.to.id === 'ane-team-manager') as SendCardEffect);
    const seq = (await h.service.get(id))?.seq ?? 0;
    const mine = await h.click('teamManager', 'refresh', { disputeId: id, seq, view: 'step' });
    expect(actionsOf(mine.card).map((a) => a.verb)).toContain('escalate');
    // The practitioner takes part but it is not their step: no buttons.
    const theirs = await h.click('practitioner', 'refresh', { disputeId: id, seq, view: 'step' });
    expect(actionsOf(theirs.card).filter((a) => a.verb === 'escalate')).toEqual([]);
    // Once the step has been taken, the card refreshes read-only.
    await h.click('teamManager', 'escalate', { disputeId: id, seq });
    const after = await h.click('teamManager', 'refresh', { disputeId: id, seq, view: 'step' });
    expect(textOf(after.card)).toMatch(/out of date|Done/);
    expect(actionsOf(after.card).filter((a) => a.verb === 'escalate')).toEqual([]);
  });

  it('turns the older card in a slot read-only when a newer card takes the slot', async () => {
    const { cards } = await raisedDispute();
    const toTm = cards.find((c) => c.to.id === 'ane-team-manager') as SendCardEffect;
    await h.ports.refs.save({
      personId: 'ane-team-manager',
      aadObjectId: null,
      reference: reference('conv-tm'),
    });
    const s = sender(noInstall);
    await s.perform(toTm);
    calls.length = 0;
    await s.perform({ ...toTm, key: `${toTm.key}:newer` });
    const put = calls.find((c) => c.method === 'PUT');
    expect(put).toBeDefined();
    expect(textOf(put?.body.attachments?.[0]?.content)).toContain('A newer card has replaced this one');
    expect(actionsOf(put?.body.attachments?.[0]?.content).filter((a) => a.verb === 'escalate')).toEqual([]);
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('posts no card asked for before the one now in its slot (a retry or backlog after the dispute moved on)', async () => {
    const { id, effect } = await stepCardForTm();
    const s = sender(noInstall);
    // The newer card (asked for by a later event) is out first; the earlier one comes late.
    const newer = { ...effect, key: effectKey(id, effectSeq(effect.key) + 3, 1) };
    await s.perform(newer);
    calls.length = 0;
    const late = await s.perform(effect);
    expect(late).toMatchObject({ ok: true, result: { superseded: true } });
    // Neither a second card nor the newer one turned read-only.
    expect(calls).toEqual([]);
    expect(await s.perform(effect)).toMatchObject({ ok: true, result: { repeat: true } });
    expect(calls).toEqual([]);
  });

  it('asks the installer when the person has no conversation yet, and reports a retryable failure', async () => {
    const { cards } = await raisedDispute();
    const toTm = cards.find((c) => c.to.id === 'ane-team-manager') as SendCardEffect;
    const asked: string[] = [];
    const result = await sender({
      open: async (person) => {
        asked.push(person.id);
        return { ok: true };
      },
    }).perform(toTm);
    expect(asked).toEqual(['ane-team-manager']);
    expect(result).toMatchObject({ ok: false, retryable: true });
  });

  /**
   * The card store of a process killed at `point`: that write (and everything after it) never
   * happens, as with SIGKILL; `killed` resolves when the sender reaches it.
   */
  function killedAt(point: 'slot write' | 'delivered write') {
    let reached: () => void = () => {};
    const killed = new Promise<void>((r) => (reached = r));
    const never = () => {
      reached();
      return new Promise<void>(() => {});
    };
    const cards: CardStateStore = {
      ...h.ports.cards,
      setSlot: (slot, record) => (point === 'slot write' ? never() : h.ports.cards.setSlot(slot, record)),
      markDelivered: (key, id) =>
        point === 'delivered write' && !id.startsWith('sending:')
          ? never()
          : h.ports.cards.markDelivered(key, id),
    };
    return { cards, killed };
  }

  async function stepCardForTm() {
    const { id, cards } = await raisedDispute();
    await h.ports.refs.save({
      personId: 'ane-team-manager',
      aadObjectId: null,
      reference: reference('conv-tm'),
    });
    return { id, effect: cards.find((c) => c.to.id === 'ane-team-manager') as SendCardEffect };
  }

  const sendIdIn = (card: unknown) =>
    (card as { refresh?: { action?: { data?: { send?: string } } } }).refresh?.action?.data?.send;

  /** A step card the Connector took, and the process killed before the slot write recorded it. */
  async function killedAfterTheConnectorTookIt() {
    const { id, effect } = await stepCardForTm();
    calls.length = 0;
    const dying = killedAt('slot write');
    void sender(noInstall, dying.cards).perform(effect);
    await dying.killed;
    const first = calls.filter((c) => c.method === 'POST')[0]?.body.attachments?.[0]?.content;
    return { id, effect, first };
  }

  /** Refreshed as Teams shows them: the earlier copy says it was sent again, the newer keeps its buttons. */
  async function expectOneLiveCopy(id: string, earlierCopy: unknown, newerCopy: unknown) {
    const seq = (await h.service.get(id))?.seq ?? 0;
    const refresh = (card: unknown) =>
      h.click('teamManager', 'refresh', { disputeId: id, seq, view: 'step', send: sendIdIn(card) });
    const earlier = await refresh(earlierCopy);
    expect(textOf(earlier.card)).toContain('This card was sent again');
    expect(actionsOf(earlier.card).filter((a) => a.verb === 'escalate')).toEqual([]);
    const newer = await refresh(newerCopy);
    expect(actionsOf(newer.card).map((a) => a.verb)).toContain('escalate');
  }

  it('posts nothing again when the process died after recording the card but before marking the effect', async () => {
    const { effect } = await stepCardForTm();
    calls.length = 0;
    const dying = killedAt('delivered write');
    void sender(noInstall, dying.cards).perform(effect);
    await dying.killed;
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);

    // The restarted process's outbox delivers the effect again.
    const result = await sender(noInstall).perform(effect);
    expect(result).toMatchObject({ ok: true, result: { repeat: true } });
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    await sender(noInstall).perform(effect);
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('leaves one live card when the process died after the Connector took the card and before it was recorded', async () => {
    const { id, effect, first } = await killedAfterTheConnectorTookIt();
    expect(actionsOf(first).map((a) => a.verb)).toContain('escalate');

    // The window the Bot Connector leaves open: with no activity id recorded, the card goes again.
    await sender(noInstall).perform(effect);
    const posted = calls.filter((c) => c.method === 'POST');
    expect(posted).toHaveLength(2);
    const second = posted[1]?.body.attachments?.[0]?.content;
    expect(sendIdIn(first)).toBeTruthy();
    expect(sendIdIn(second)).toBeTruthy();
    expect(sendIdIn(second)).not.toBe(sendIdIn(first));

    // Teams refreshes each copy as it is shown: the earlier one turns read-only and points at the
    // newer one, which keeps its buttons.
    await expectOneLiveCopy(id, first, second);

    // Recorded now: a further retry posts nothing.
    await sender(noInstall).perform(effect);
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(2);
  });

  it('leaves one live card when a newer card took the slot before an interrupted delivery was retried', async () => {
    const { id, effect, first } = await killedAfterTheConnectorTookIt();

    // After the restart a card asked for by a later event of the same step goes out first, and
    // the interrupted one, retried late, is not posted over it.
    const newerEffect = { ...effect, key: effectKey(id, effectSeq(effect.key) + 2, 1) };
    await sender(noInstall).perform(newerEffect);
    expect(await sender(noInstall).perform(effect)).toMatchObject({ ok: true, result: { superseded: true } });
    const posted = calls.filter((c) => c.method === 'POST');
    expect(posted).toHaveLength(2);
    const second = posted[1]?.body.attachments?.[0]?.content;

    // The copy the Connector took before the crash turns read-only; the newer one keeps its buttons.
    await expectOneLiveCopy(id, first, second);
  });

  it('posts once when the same effect is performed again while its first attempt is under way', async () => {
    const { effect } = await stepCardForTm();
    calls.length = 0;
    const s = sender(noInstall);
    const [first, second] = await Promise.all([s.perform(effect), s.perform(effect)]);
    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: false, retryable: true });
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    // The later retry finds it delivered.
    expect(await s.perform(effect)).toMatchObject({ ok: true, result: { repeat: true } });
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });
});
