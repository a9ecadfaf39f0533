/**
 * A bot wired to a real store (in-memory PGlite), the real `decide`, the sample ANE directory and
 * botbuilder's TestAdapter, so routing tests drive the same code Teams does.
 */
import { type Activity, ActivityTypes, TestAdapter } from 'botbuilder';
import { type Conversation, createConversation, localModePolicy } from '../../src/bot/conversation.ts';
import { directoryPeople } from '../../src/bot/directory-people.ts';
import { memoryActingAs } from '../../src/bot/memory-ports.ts';
import type { PeopleDirectory } from '../../src/bot/ports.ts';
import { createStorePorts, type StorePorts } from '../../src/bot/store-adapters.ts';
import { createTurnHandler } from '../../src/bot/teams-bot.ts';
import { createDirectoryService } from '../../src/directory/directory-service.ts';
import type { Directory } from '../../src/directory/schema.ts';
import { bundledCalendar } from '../../src/domain/calendar/index.ts';
import { decide } from '../../src/domain/dispute/decide.ts';
import { loadProcedures } from '../../src/procedures/index.ts';
import { createDisputeService, type DisputeService } from '../../src/runtime/dispute-service.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import type { TestEngine } from '../store/engines.ts';

/** Monday 12 January 2026, 10:00 London. */
export const T0 = new Date('2026-01-12T10:00:00Z');

export const USERS = {
  practitioner: {
    id: 'user-id-0',
    name: 'Alex Wilber',
    aadObjectId: '00000000-0000-0000-0000-0000000000020',
  },
  teamManager: { id: 'user-id-1', name: 'Megan Bowen' },
  serviceManager: { id: 'user-id-2', name: 'Adele Vance' },
  stranger: { id: 'user-id-99', name: 'Not In Directory' },
} as const;
export type UserKey = keyof typeof USERS;

export interface Harness {
  readonly store: Store;
  readonly service: DisputeService;
  readonly ports: StorePorts;
  readonly people: PeopleDirectory;
  readonly directory: Directory;
  readonly conversation: Conversation;
  readonly adapter: TestAdapter;
  readonly clock: { now(): Date; set(d: Date): void };
  /** Sends an activity as `user` and returns what the bot sent back in that turn. */
  send(user: UserKey, activity: Partial<Activity>): Promise<Partial<Activity>[]>;
  say(user: UserKey, text: string): Promise<Partial<Activity>[]>;
  /** An Action.Execute click: returns the invoke response body (the card in place) and any messages. */
  click(
    user: UserKey,
    verb: string,
    data: Record<string, unknown>,
  ): Promise<{
    card: Record<string, unknown> | null;
    body: Record<string, unknown>;
    sent: Partial<Activity>[];
  }>;
  /** Forgets drafts, cards, conversation references and "act as", for the next test. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly mode?: 'local' | 'cloud';
  readonly nodeEnv?: string;
  /** The store engine (see tests/store/engines.ts); an in-memory PGlite when absent. */
  readonly engine?: TestEngine;
  /** The directory, or a directory file's path; the sample ANE partnership when absent. */
  readonly directory?: Directory | string;
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const store = options.engine
    ? await options.engine.open()
    : await openStore({ engine: 'pglite', dataDir: null });
  if (!options.engine) await migrateToLatest(store);
  let now = T0;
  const clock = { now: () => now, set: (d: Date) => (now = d) };
  const directoryService = await createDirectoryService({
    directory: options.directory ?? 'directory/sample-ane.json',
  });
  const directory = directoryService.directory;
  const procedures = loadProcedures();
  const resolver = directoryService.resolver;
  const service = createDisputeService({
    store,
    decide,
    clock,
    wallClock: clock,
    contextFor: ({ procedureId }) => {
      const procedure = procedures.get(procedureId);
      if (!procedure) throw new Error(`unknown procedure ${procedureId}`);
      return { procedure, calendar: bundledCalendar('england-and-wales'), resolver };
    },
  });
  const ports = createStorePorts({ store, service });
  const people = directoryPeople(directoryService);
  const actingAs = memoryActingAs();
  const conversation = createConversation({
    people,
    disputes: ports.disputes,
    drafts: ports.drafts,
    cards: ports.cards,
    procedures,
    clock,
    actingAs,
    localMode: localModePolicy({ mode: options.mode ?? 'local', nodeEnv: options.nodeEnv ?? 'test' }),
  });
  const logic = createTurnHandler({ conversation, refs: ports.refs });
  const adapter = new TestAdapter(logic);

  async function send(user: UserKey, activity: Partial<Activity>) {
    const u = USERS[user];
    const before = adapter.activeQueue.length;
    await adapter.processActivity({
      channelId: 'msteams',
      conversation: { id: `personal-${u.id}`, conversationType: 'personal', isGroup: false, name: '' },
      from: { id: u.id, name: u.name, ...('aadObjectId' in u ? { aadObjectId: u.aadObjectId } : {}) },
      recipient: { id: 'concord-bot', name: 'Concord' },
      serviceUrl: 'https://service.example/',
      ...activity,
    });
    return adapter.activeQueue.splice(before);
  }

  return {
    store,
    service,
    ports,
    people,
    directory,
    conversation,
    adapter,
    clock,
    send,
    say: (user, text) => send(user, { type: ActivityTypes.Message, text }),
    async click(user, verb, data) {
      const sent = await send(user, {
        type: ActivityTypes.Invoke,
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } } },
      });
      const response = sent.find((a) => a.type === ActivityTypes.InvokeResponse);
      const body = ((response?.value as { body?: Record<string, unknown> })?.body ?? {}) as Record<
        string,
        unknown
      >;
      const card =
        body.type === 'application/vnd.microsoft.card.adaptive'
          ? (body.value as Record<string, unknown>)
          : null;
      return { card, body, sent: sent.filter((a) => a.type !== ActivityTypes.InvokeResponse) };
    },
    async reset() {
      // The audit log is append-only, so disputes stay; each test raises its own (random ids).
      for (const table of ['kv', 'conversation_refs', 'raise_drafts'] as const) {
        await store.db.deleteFrom(table).execute();
      }
      ports.forgetSavedRefs();
      for (const u of Object.values(USERS)) actingAs.set(u.id, null);
      clock.set(T0);
    },
    close: () => store.close(),
  };
}

/** The first Adaptive Card attached to any of the activities. */
export function cardOf(activities: readonly Partial<Activity>[]): Record<string, unknown> | null {
  for (const a of activities) {
    const att = a.attachments?.find((x) => x.contentType === 'application/vnd.microsoft.card.adaptive');
    if (att) return att.content as Record<string, unknown>;
  }
  return null;
}

/** Every string in a card, joined: for "the card says …" assertions. */
export function textOf(card: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(card);
  return out.join('\n');
}

/** The Action.Execute buttons of a card: [{ title, verb, data }]. */
export function actionsOf(card: unknown): { title: string; verb: string; data: Record<string, unknown> }[] {
  const out: { title: string; verb: string; data: Record<string, unknown> }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Action.Execute' && typeof o.verb === 'string' && o.verb !== 'refresh')
        out.push({ title: String(o.title), verb: o.verb, data: (o.data ?? {}) as Record<string, unknown> });
      Object.entries(o).forEach(([k, x]) => {
        if (k !== 'refresh') walk(x);
      });
    }
  };
  walk(card);
  return out;
}

/** The input ids of a card. */
export function inputsOf(card: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string')
        out.push(o.id);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

/** A raise that passes every check in the sample ANE partnership. */
export const GOOD_RAISE = {
  caseReference: 'ANE-2026-0042',
  counterpartOrganisationId: 'newcastle',
  category: 'incomplete-documentation',
  issue: 'The child permanence report has not been completed, delaying matching.',
  informalAttempts: 'Discussed with the allocated social worker on 5 January; no date given.',
  resolutionSought: 'The report completed within ten working days.',
} as const;

/**
 * "raise a dispute" → "No" to immediate risk → "Before you start" where there is one (continuing
 * under `start.procedureId` when given, answering `start.about`): the form and its draft id.
 */
export async function openWizard(
  h: Harness,
  user: UserKey = 'practitioner',
  start: { procedureId?: string; about?: 'child' | 'adult' } = {},
): Promise<{ card: Record<string, unknown> | null; draftId: string }> {
  const risk = cardOf(await h.say(user, 'raise a dispute'));
  const no = actionsOf(risk).find((a) => a.verb === 'immediate-risk-no');
  if (!no) throw new Error(`no "No" on the immediate-risk card: ${textOf(risk)}`);
  let { card } = await h.click(user, 'immediate-risk-no', no.data);
  for (let i = 0; i < 3; i++) {
    const go = actionsOf(card).find((a) => a.verb === 'raise-continue');
    if (!go) break;
    ({ card } = await h.click(user, 'raise-continue', {
      ...go.data,
      ...(start.procedureId ? { procedureId: start.procedureId } : {}),
      ...(start.about ? { about: start.about } : {}),
    }));
  }
  const submit = actionsOf(card).find((a) => a.verb === 'submit-raise');
  return { card, draftId: String(submit?.data.disputeId) };
}

/** Raises the GOOD_RAISE dispute as the practitioner and returns its id. */
export async function raiseDispute(h: Harness): Promise<string> {
  const { draftId } = await openWizard(h);
  const { card } = await h.click('practitioner', 'submit-raise', {
    disputeId: draftId,
    seq: 0,
    ...GOOD_RAISE,
  });
  if (!textOf(card).includes('Dispute raised')) throw new Error(`not raised: ${textOf(card)}`);
  return draftId;
}
