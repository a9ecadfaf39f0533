import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotAdapter } from '../../src/bot/adapter.ts';
import { createCardSender } from '../../src/bot/card-sender.ts';
import type { ConversationOpener } from '../../src/bot/ports.ts';
import { refusalText } from '../../src/cards/wording/refusals.ts';
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

function sender(opener: ConversationOpener) {
  return createCardSender({
    bot: createBotAdapter({ bot: null }),
    refs: h.ports.refs,
    cards: h.ports.cards,
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
});
