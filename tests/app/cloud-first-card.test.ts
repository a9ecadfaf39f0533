/**
 * Issue 11, "Installed but never chatted", end to end in cloud mode: `createApp` with BOT_ID set,
 * the Graph emulator playing the tenant (its catalog id differs from the manifest id; a setup policy
 * has installed Concord for one person who never opened it; an app permission policy blocks it for
 * another), and the stand-in Bot Connector taking the cards.
 *
 * The emulator does not play Bot Framework's token service, so the bot's outbound token is put in
 * botframework-connector's own token cache (the stand-in Connector records it on every call). The
 * app never listens: nothing here needs Graph subscriptions, and the outbox is drained directly.
 */
import { randomUUID } from 'node:crypto';
import { graphTargetOf } from '@concord/m365-emulator';
import { TurnContext } from 'botbuilder';
import { AppCredentials } from 'botframework-connector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app/create-app.ts';
import { createStorePorts } from '../../src/bot/store-adapters.ts';
import { loadConfig } from '../../src/config/index.ts';
import type { DisputeState } from '../../src/domain/dispute/types.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import { enqueueEffect } from '../../src/store/operations/index.ts';
import { textOf } from '../bot/harness.ts';
import { raiseConfirmations } from '../domain/dispute/fixtures.ts';
import { type GraphHarness, startGraphHarness } from '../graph/harness.ts';
import { type BotConnector, type ConnectorCall, startBotConnector } from '../support/bot-connector.ts';
import { plain } from '../support/journey.ts';
import { eventually } from '../support/wait.ts';

const MANIFEST_ID = 'b1c0d2e3-0000-4000-8000-00000000c0c0';
const CATALOG_ID = 'f7a6b5c4-1111-4222-8333-444455556666';
const BOT_ID = '5c0e0c0d-0000-4000-8000-00000000b07b';
const BOT_TOKEN = 'stand-in-bot-framework-token';
/** Installed by a setup policy, never opened: no conversation reference. */
const PRE_INSTALLED = { id: 'ane-team-manager', email: 'team.manager@ane.example' };
/** The tenant's app permission policy blocks Concord for this person. */
const BLOCKED = { id: 'ane-service-manager', email: 'service.manager@ane.example' };
/** Has chatted with the bot: the owner, who gets notices. */
const OWNER = 'ane-practitioner';

let h: GraphHarness;
let connector: BotConnector;
let app: App;
/** botframework-connector's process-wide token cache (private in its types). */
const botTokens = (
  AppCredentials as unknown as { cache: Map<string, { accessToken: string; expiresOn: Date }> }
).cache;
const BOT_TOKEN_KEY = `${BOT_ID}https://api.botframework.com-cache`;

beforeAll(async () => {
  h = await startGraphHarness({
    teamsApps: [
      { id: CATALOG_ID, externalId: MANIFEST_ID, displayName: 'Concord', blockedFor: [BLOCKED.email] },
    ],
  });
  connector = await startBotConnector();
  botTokens.set(BOT_TOKEN_KEY, { accessToken: BOT_TOKEN, expiresOn: new Date(Date.now() + 60 * 60_000) });
  // What a setup policy does: the app installed for the person, through Graph, before Concord runs.
  await h.graph.api
    .api(`/users/${PRE_INSTALLED.email}/teamwork/installedApps`)
    .post({ 'teamsApp@odata.bind': `${h.m365.graphBaseUrl}/appCatalogs/teamsApps/${CATALOG_ID}` });
  const config = loadConfig({
    BOT_ID,
    BOT_PASSWORD: 'bot-secret',
    BOT_TENANT_ID: h.m365.tenantId,
    TEAMS_APP_ID: MANIFEST_ID,
    PUBLIC_URL: 'https://concord.ane.example',
    DATA_DIR: '/tmp/concord-cloud-first-card-unused',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
  });
  expect(config.mode).toBe('cloud');
  app = await createApp({
    config,
    graph: graphTargetOf(h.m365),
    storeTarget: { engine: 'pglite', dataDir: null },
    teamsServiceUrl: connector.serviceUrl,
    maintenance: false,
    pollIntervalMs: 50,
  });
  // The owner has chatted with the bot before: Teams' reference is stored.
  await ports().refs.save({
    personId: OWNER,
    aadObjectId: null,
    reference: teamsReference(OWNER, 'a:owner-chat'),
  });
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await connector?.close();
  await h?.close();
  botTokens.delete(BOT_TOKEN_KEY);
});

const ports = () => createStorePorts({ store: app.runtime.store, service: app.runtime.service });

/** The reference Teams' own activity from a person carries (as the turn handler stores it). */
function teamsReference(personId: string, conversationId: string) {
  return TurnContext.getConversationReference({
    type: 'message',
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    from: { id: `29:${personId}`, name: personId, aadObjectId: randomUUID() },
    recipient: { id: `28:${BOT_ID}`, name: 'Concord' },
    conversation: { id: conversationId, conversationType: 'personal', tenantId: h.m365.tenantId },
  } as never) as Record<string, unknown>;
}

const graphRequests = () =>
  h.m365.state.requests.map((r) => `${r.method} ${r.path}${r.query ? `?${r.query}` : ''}`);
/** Cards posted into a conversation (a reply-to activity id may follow `/activities`). */
const posted = (conversationId: string): ConnectorCall[] =>
  connector.calls.filter(
    (c) =>
      c.method === 'POST' &&
      c.path.startsWith(`/v3/conversations/${encodeURIComponent(conversationId)}/activities`),
  );
const cardText = (call: ConnectorCall) =>
  plain(textOf(call.body.attachments?.[0]?.content as Record<string, unknown>));

/** A dispute raised by the owner; the procedure's first cards go to its people. */
async function raise(): Promise<DisputeState> {
  const procedure = getProcedure('ane');
  if (!procedure) throw new Error('no ANE procedure');
  const id = randomUUID();
  const person = (pid: string) => {
    const p = app.directory.person(pid);
    if (!p) throw new Error(`no ${pid}`);
    return app.directory.personRef(p);
  };
  const result = await app.runtime.service.applyEvent(
    id,
    {
      type: 'raised',
      disputeId: id,
      by: person(OWNER),
      immediateRiskChecked: true,
      caseReference: `ANE-2027-${id.slice(0, 4)}`,
      raisingOrganisationId: 'ane',
      counterpartOrganisationId: 'gateshead',
      category: procedure.categories[0]?.id ?? 'other',
      ...raiseConfirmations(procedure),
      details: {
        issue: 'The agencies disagree about whether the threshold for a strategy discussion is met.',
        informalAttempts: 'Discussed by telephone; no agreement.',
        resolutionSought: 'A joint strategy discussion within five working days.',
      },
    },
    { source: 'teams', procedureId: procedure.id },
  );
  if (!result.ok) throw new Error(`raise refused: ${JSON.stringify(result.refusal)}`);
  await app.runtime.worker.drain();
  return result.state;
}

const outbox = () =>
  app.runtime.store.db
    .selectFrom('outbox')
    .select(['key', 'type', 'status', 'attempts', 'effect'])
    .orderBy('created_at')
    .execute();
const installedFor = (email: string) => [...(h.m365.state.find(email)?.installedApps.values() ?? [])];

describe('a card for someone who never chatted with the bot (cloud mode)', () => {
  let chatId = '';
  let installationId = '';

  it('installed by a setup policy: the installation is found by the manifest id, its chat fetched, the card posted there', async () => {
    const [before] = installedFor(PRE_INSTALLED.email);
    if (!before) throw new Error('the setup policy installed nothing');
    installationId = before.id;
    expect(await ports().refs.get(PRE_INSTALLED.id)).toBeNull();
    const from = h.m365.state.requests.length;

    const state = await raise();
    expect(state.owner.id).toBe(PRE_INSTALLED.id);
    const card = await eventually('the card on the Connector', async () => {
      await app.runtime.worker.drain();
      return connector.calls.find((c) => c.method === 'POST');
    });

    // Graph: the installation looked up by the manifest id (the only id Concord is configured
    // with; the catalog's differs), not installed again, and the chat of that installation fetched.
    const graph = graphRequests()
      .slice(from)
      .filter((r) => /teamwork|appCatalogs/.test(r));
    expect(graph).toEqual([
      `GET /users/${PRE_INSTALLED.email}/teamwork/installedApps?$expand=teamsApp&$filter=teamsApp/externalId eq '${MANIFEST_ID}'`,
      `GET /users/${PRE_INSTALLED.email}/teamwork/installedApps/${installationId}/chat?$select=id`,
    ]);
    expect(installedFor(PRE_INSTALLED.email)).toEqual([before]);
    chatId = (
      (await h.graph.api
        .api(`/users/${PRE_INSTALLED.email}/teamwork/installedApps/${installationId}/chat`)
        .get()) as { id: string }
    ).id;
    expect(chatId).toMatch(/^19:.+@unq\.gbl\.spaces$/);

    // The Connector: the card in that chat, signed with the bot's token, naming the case.
    expect(posted(chatId)).toEqual([card]);
    expect(card.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(cardText(card)).toContain(state.caseReference);
    const rows = await outbox();
    expect(rows.map((r) => [r.type, r.status, r.attempts])).toEqual([['send-card', 'done', 1]]);
    expect(await ports().refs.get(PRE_INSTALLED.id)).toMatchObject({
      serviceUrl: connector.serviceUrl,
      bot: { id: `28:${BOT_ID}` },
      conversation: { id: chatId, conversationType: 'personal', tenantId: h.m365.tenantId },
    });
  });

  it("the person's first activity replaces the stored reference: the next card goes there, with no Graph call", async () => {
    // What the turn handler stores from Teams' first activity from the person.
    const fromTeams = teamsReference(PRE_INSTALLED.id, 'a:1first-activity-of-the-team-manager');
    await ports().refs.save({ personId: PRE_INSTALLED.id, aadObjectId: null, reference: fromTeams });
    const from = h.m365.state.requests.length;
    const state = await raise();
    const card = await eventually('the second card', async () => {
      await app.runtime.worker.drain();
      return posted('a:1first-activity-of-the-team-manager')[0];
    });
    expect(cardText(card)).toContain(state.caseReference);
    expect(
      graphRequests()
        .slice(from)
        .filter((r) => /teamwork|appCatalogs/.test(r)),
    ).toEqual([]);
    expect(posted(chatId)).toHaveLength(1);
    expect((await ports().refs.get(PRE_INSTALLED.id))?.conversation).toMatchObject({
      id: 'a:1first-activity-of-the-team-manager',
    });
  });

  it('not installed and the install refused (403): set aside at once, the owner told what happened and what to do', async () => {
    const [first] = await outbox();
    if (!first) throw new Error('no card queued');
    const disputeId = (first.effect as { frame: { disputeId: string } }).frame.disputeId;
    const sm = app.directory.person(BLOCKED.id);
    if (!sm) throw new Error('no service manager');
    // A card for the Service Manager, as the ladder's escalation queues one.
    const effect = {
      ...(first.effect as Record<string, unknown>),
      key: `${disputeId}:90:0`,
      slot: `${disputeId}:notice:${BLOCKED.id}`,
      to: app.directory.personRef(sm),
    };
    await app.runtime.store.db
      .transaction()
      .execute((trx) => enqueueEffect(trx, { disputeId, effect: effect as never, at: new Date() }));
    const from = h.m365.state.requests.length;
    const notice = await eventually('the notice to the owner', async () => {
      await app.runtime.worker.drain();
      return posted('a:1first-activity-of-the-team-manager').find((c) => /could not/.test(cardText(c)));
    });

    const text = cardText(notice);
    expect(text).toContain(`Concord could not send a Teams card to ${sm.displayName}`);
    expect(text).toContain(
      `Concord could not reach ${sm.displayName} in Teams: Concord is not installed for them`,
    );
    expect(text).toMatch(
      /Ask .+ to add Concord in Teams .* or ask your Teams administrator to allow Concord/,
    );
    expect(text).not.toMatch(/403|times and has stopped/);

    // No retry storm: one attempt, parked; the catalog id resolved once, one install refused.
    await new Promise((r) => setTimeout(r, 300));
    await app.runtime.worker.drain();
    const row = (await outbox()).find((r) => r.key === effect.key);
    expect([row?.status, row?.attempts]).toEqual(['parked', 1]);
    expect(
      graphRequests()
        .slice(from)
        .filter((r) => /teamwork|appCatalogs/.test(r)),
    ).toEqual([
      `GET /users/${BLOCKED.email}/teamwork/installedApps?$expand=teamsApp&$filter=teamsApp/externalId eq '${MANIFEST_ID}'`,
      `GET /appCatalogs/teamsApps?$filter=externalId eq '${MANIFEST_ID}'`,
      `POST /users/${BLOCKED.email}/teamwork/installedApps`,
    ]);
    expect(installedFor(BLOCKED.email)).toEqual([]);
  });
});
