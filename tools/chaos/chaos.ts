/**
 * The chaos run: disputes driven through every stage of their procedure (tools/chaos/procedures.ts)
 * while the bot is killed with SIGKILL at random points and started again on the same store.
 *
 * Three processes: the emulator (emulator-process.ts; it keeps its mailboxes and calendars across the
 * bot's restarts, and plays the other agency through its admin API), the bot (bot-process.ts: the
 * whole app with the test clock), and this driver, which also runs the stand-in Bot Connector that
 * receives every card. People act as Teams would have them: an `adaptiveCard/action` invoke on
 * `POST /api/messages` with the data of the button on their latest card as Teams shows it (its
 * Universal Actions refresh answered first); the raise goes through the chat wizard. The clock moves through `POST /dev/clock`.
 *
 * All disputes take each step together (the test clock is one for all). A step that cannot be seen
 * to have happened (the bot died under it) is taken again. At the end, for every dispute, what the
 * procedure says must exist exactly once is counted where it lands: the emails in the emulator's
 * mailboxes (by the x-concord-dispute header), the live meetings on its calendars, the cards at the
 * stand-in connector. Nothing is read from Concord's own store.
 *
 * The figures: disputes, kills, steps, duplicates and lost (a dispute that did not reach its end,
 * or an email or meeting that is missing).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { trustEmulatorCa } from '@concord/m365-emulator';
import pLimit from 'p-limit';
import { mergedDirectory, teamsUserIdOf } from './directory.ts';
import { CHAOS_PROCEDURES, type ChaosProcedure, type ChaosStep, type Evidence } from './procedures.ts';

export interface ChaosOptions {
  readonly disputes: number;
  /** Procedures to include (default every one in procedures.ts), spread over the disputes. */
  readonly procedures?: readonly string[];
  readonly seed: number;
  /** PostgreSQL (a fresh schema is made and dropped), else PGlite in a temporary DATA_DIR. */
  readonly databaseUrl?: string;
  /** Milliseconds between kills, drawn evenly from this range. */
  readonly killEveryMs?: readonly [number, number];
  /**
   * Kill the bot the moment the driver has taken these steps (1-based, in every walk), before their
   * effects are delivered: deterministic kills for a short run, whatever the machine's speed. When
   * set, no kills are drawn at random unless `killEveryMs` is set too.
   */
  readonly killAfterSteps?: readonly number[];
  /**
   * "person verb" pairs: the stand-in Bot Connector kills the bot the moment it has taken the first
   * card with that verb for that person, before the bot hears the answer. The one window the
   * Connector leaves at-least-once (card-sender.ts): the card is posted again after the restart,
   * and the earlier copy must refresh as "This card was sent again".
   */
  readonly killOnCard?: readonly string[];
  /** EMULATOR_FAULTS for the emulator (e.g. 20% Graph faults). */
  readonly emulatorFaults?: string;
  /** Disputes worked on at once within a step. */
  readonly concurrency?: number;
  readonly log?: (line: string) => void;
}

export interface ChaosFigures {
  disputes: number;
  kills: number;
  steps: number;
  duplicates: number;
  lost: number;
  /**
   * Copies of a step card from a delivery attempt the kill cut off after the Bot Connector took it
   * (the Connector has no idempotency key, card-sender.ts): posted twice, but the earlier copy,
   * refreshed as Teams refreshes a card it shows, was the read-only "This card was sent again"
   * while the step was still to be taken, so the person had one live card. Not duplicates; counted
   * so the window stays visible.
   */
  sentAgain: number;
  /** What was duplicated or lost, one line each (at most 30). */
  problems: string[];
  ms: number;
}

interface AdminMail {
  id: string;
  subject: string;
  internetMessageHeaders: { name: string; value: string }[];
}
interface AdminEvent {
  id: string;
  iCalUId?: string;
  subject: string;
  isCancelled?: boolean;
  end: { dateTime: string; timeZone: string };
  attendees: { emailAddress: { address: string } }[];
}
interface Card {
  method: string;
  conversation: string;
  card: Record<string, unknown>;
}

/** The card's Universal Actions refresh, as Teams invokes it when it shows the card. */
function refreshOf(card: Record<string, unknown>): { verb: string; data: Record<string, unknown> } | null {
  const action = (card.refresh as { action?: { verb?: unknown; data?: unknown } } | undefined)?.action;
  if (typeof action?.verb !== 'string' || !action.data || typeof action.data !== 'object') return null;
  return { verb: action.verb, data: action.data as Record<string, unknown> };
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What a wait for a person's card answers when the step's effect showed meanwhile. */
const DONE = Symbol('done');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TSX = ['--import', 'tsx'];
/** The raise wizard's own verbs (its cards carry the draft's id, which becomes the dispute's). */
const WIZARD_VERBS = new Set([
  'raise',
  'save-draft',
  'submit-raise',
  'cancel-raise',
  'raise-continue',
  'raise-change-procedure',
  'immediate-risk-yes',
  'immediate-risk-no',
  'refresh',
  'open-dispute',
  'my-disputes',
  'help',
]);

/** Whether a subject names the case reference itself (CH-14-1 is not CH-14-10). */
const namesCase = (subject: string, caseReference: string) =>
  new RegExp(`(^|[^\\w-])${caseReference.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).test(subject);

/** Polls `probe` until it gives something, or throws after `ms`. */
async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // Down or not ready: look again.
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
}

/** The Action.Execute buttons of a card. */
function actionsOf(card: unknown): { verb: string; data: Record<string, unknown> }[] {
  const out: { verb: string; data: Record<string, unknown> }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Action.Execute' && typeof o.verb === 'string')
        out.push({ verb: o.verb, data: (o.data ?? {}) as Record<string, unknown> });
      for (const [k, x] of Object.entries(o)) if (k !== 'refresh') walk(x);
    }
  };
  walk(card);
  return out;
}

/** The inputs of a card: id, type, and (choice sets) the first choice's value. */
function inputsOf(card: unknown): { id: string; type: string; first?: string }[] {
  const out: { id: string; type: string; first?: string }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string') {
        const choices = Array.isArray(o.choices) ? (o.choices as { value?: unknown }[]) : [];
        const first = typeof choices[0]?.value === 'string' ? (choices[0].value as string) : undefined;
        out.push({ id: o.id, type: o.type, ...(first === undefined ? {} : { first }) });
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

/**
 * What a person enters on a card: the step's own answers by input id (or part of it); with `fill`,
 * every other text box a plain sentence and every other choice its first option.
 */
function answersFor(card: unknown, given: Readonly<Record<string, string>>, fill: boolean) {
  const out: Record<string, string> = {};
  for (const input of inputsOf(card)) {
    const key =
      input.id in given
        ? input.id
        : Object.keys(given).find((k) => input.id.toLowerCase().includes(k.toLowerCase()));
    if (key) out[input.id] = given[key] ?? '';
    else if (fill && input.type === 'Input.Text')
      out[input.id] = 'The agencies disagree about whether the threshold for a strategy discussion is met.';
    else if (fill && input.type === 'Input.ChoiceSet' && input.first !== undefined)
      out[input.id] = input.first;
  }
  return out;
}

/** The delivery attempt a card's refresh names (card-sender.ts), if any. */
function sendIdOf(card: Record<string, unknown>): string | undefined {
  const send = (card.refresh as { action?: { data?: { send?: unknown } } } | undefined)?.action?.data?.send;
  return typeof send === 'string' ? send : undefined;
}

/** The stand-in Bot Connector: answers every call and keeps every card and reply. */
async function startConnector(
  taken: (card: Card) => Promise<void>,
): Promise<{ url: string; cards: Card[]; close(): Promise<void> }> {
  const cards: Card[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const match = /^\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
      let kept: Card | null = null;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
          attachments?: { content?: Record<string, unknown> }[];
        };
        const card = body.attachments?.[0]?.content;
        if (match && card) {
          kept = { method: req.method ?? '', conversation: decodeURIComponent(match[1] ?? ''), card };
          cards.push(kept);
        }
      } catch {
        // Not JSON: nothing to keep.
      }
      if (kept) await taken(kept);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: `a-${++n}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    cards,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export async function runChaos(options: ChaosOptions): Promise<ChaosFigures> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const random = prng(options.seed);
  const figures: ChaosFigures = {
    disputes: 0,
    kills: 0,
    steps: 0,
    duplicates: 0,
    lost: 0,
    sentAgain: 0,
    problems: [],
    ms: 0,
  };
  const problem = (line: string) => {
    if (figures.problems.length < 30) figures.problems.push(line);
  };
  const dir = mkdtempSync(path.join(tmpdir(), 'concord-chaos-'));
  const infoFile = path.join(dir, 'emulator.json');
  const children = new Set<ChildProcess>();
  const schema = options.databaseUrl ? `chaos_${randomUUID().replace(/-/g, '').slice(0, 12)}` : null;
  if (schema) log(`schema ${schema}`);

  const directoryFile = mergedDirectory(path.join(dir, 'directory.json'));
  const emulator = spawn(
    process.execPath,
    [...TSX, 'tools/chaos/emulator-process.ts', infoFile, directoryFile],
    {
      env: {
        ...process.env,
        ...(options.emulatorFaults ? { EMULATOR_FAULTS: options.emulatorFaults } : {}),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  children.add(emulator);
  const killOnCard = new Set(options.killOnCard ?? []);
  let cardTaken: (card: Card) => Promise<void> = async () => {};
  const connector = await startConnector((card) => cardTaken(card));
  let bot: ChildProcess | null = null;
  let killer: NodeJS.Timeout | null = null;
  let stopping = false;
  let untrust = () => {};
  try {
    // The info file can be seen before it is all written: wait until it parses.
    const info = await until('the emulator', 120_000, async () =>
      existsSync(infoFile)
        ? (JSON.parse(readFileSync(infoFile, 'utf8')) as { adminUrl: string; caPem: string })
        : undefined,
    );
    untrust = trustEmulatorCa(info.caPem);
    const admin = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${info.adminUrl}${p}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (response.status >= 400) throw new Error(`admin ${method} ${p}: ${response.status}`);
      return (text ? JSON.parse(text) : undefined) as T;
    };
    const port = await freePort();
    const botUrl = `http://127.0.0.1:${port}`;

    let ready: Promise<void> = Promise.resolve();
    // The caller's DATABASE_URL must not reach a PGlite run's bot (it would open PostgreSQL instead).
    const { DATABASE_URL: _callers, ...inherited } = process.env;
    const startBot = () => {
      const child = spawn(process.execPath, [...TSX, 'tools/chaos/bot-process.ts'], {
        env: {
          ...inherited,
          PORT: String(port),
          CHAOS_EMULATOR: infoFile,
          CHAOS_CONNECTOR: connector.url,
          CHAOS_DIRECTORY: directoryFile,
          ...(options.databaseUrl
            ? { DATABASE_URL: options.databaseUrl, CHAOS_SCHEMA: schema ?? '' }
            : { DATA_DIR: path.join(dir, 'data') }),
        },
        stdio: ['ignore', 'pipe', process.env.CHAOS_LOG_LEVEL ? 'inherit' : 'ignore'],
      });
      children.add(child);
      child.on('exit', () => children.delete(child));
      bot = child;
      ready = new Promise<void>((resolve) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          const text = chunk.toString();
          if (process.env.CHAOS_LOG_LEVEL) process.stderr.write(text);
          if (text.includes('ready')) resolve();
        });
        child.on('exit', () => resolve());
      });
      return ready;
    };
    await startBot();
    const randomKills = options.killEveryMs !== undefined || options.killAfterSteps === undefined;
    const [lo, hi] = options.killEveryMs ?? (process.env.CHAOS_NO_KILL ? [1e9, 1e9] : [3_000, 9_000]);
    /** SIGKILL the bot and start it again on the same store. */
    let killing: Promise<void> | null = null;
    const killNow = (): Promise<void> => {
      // One kill at a time: a step's kill and the Connector's may fall together.
      killing ??= (async () => {
        const victim = bot;
        if (stopping || !victim || victim.exitCode !== null) return;
        const exited = new Promise((resolve) => victim.once('exit', resolve));
        victim.kill('SIGKILL');
        await exited;
        figures.kills++;
        const down = Date.now();
        if (!stopping) await startBot();
        log(
          `  killed the bot (${figures.kills}); it was answering again ${((Date.now() - down) / 1000).toFixed(1)} s later`,
        );
      })().finally(() => {
        killing = null;
      });
      return killing;
    };
    const scheduleKill = () => {
      killer = setTimeout(
        async () => {
          if (stopping) return;
          await killNow();
          if (!stopping) scheduleKill();
        },
        lo + random() * (hi - lo),
      );
    };
    if (randomKills) scheduleKill();
    cardTaken = async (card) => {
      if (card.method !== 'POST') return;
      for (const pair of killOnCard) {
        const [person = '', verb = ''] = pair.split(' ');
        const to =
          card.conversation === `cards-${person}` || card.conversation === `chat-${teamsUserIdOf(person)}`;
        if (to && actionsOf(card.card).some((a) => a.verb === verb)) {
          killOnCard.delete(pair);
          log(`  the Connector took ${verb} for ${person}; killing the bot before it hears so`);
          await killNow();
        }
      }
    };

    /** POST to the bot, again until it answers (it may be dead or starting). */
    const post = async (p: string, body: unknown): Promise<{ status: number; json: unknown }> =>
      until(`the bot to answer ${p}`, 180_000, async () => {
        await ready;
        const response = await fetch(`${botUrl}${p}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        if (response.status >= 500) return undefined;
        return { status: response.status, json: text ? (JSON.parse(text) as unknown) : null };
      });
    const invoke = (teamsUserId: string, verb: string, data: Record<string, unknown>) =>
      post('/api/messages', {
        type: 'invoke',
        name: 'adaptiveCard/action',
        id: randomUUID(),
        channelId: 'msteams',
        serviceUrl: connector.url,
        from: { id: teamsUserId, name: teamsUserId },
        recipient: { id: 'concord-bot', name: 'Concord' },
        conversation: { id: `chat-${teamsUserId}`, conversationType: 'personal' },
        value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } } },
      });
    const cardOfInvoke = (answer: { json: unknown }) => {
      const body = answer.json as { type?: string; value?: unknown } | null;
      return body?.type === 'application/vnd.microsoft.card.adaptive' ? body.value : null;
    };
    /**
     * Presses a button and returns the card that came of it: the card in the invoke's answer, or a
     * new one in the person's chat (replies come through the reply outbox) that satisfies `want`.
     */
    const clickForCard = async (
      who: string,
      verb: string,
      data: Record<string, unknown>,
      want: (card: unknown) => boolean,
    ): Promise<unknown> => {
      const before = connector.cards.length;
      const answered = cardOfInvoke(await invoke(who, verb, data));
      if (answered && want(answered)) return answered;
      return until(
        `a card after ${verb}`,
        20_000,
        async () =>
          connector.cards.slice(before).find((c) => c.conversation === `chat-${who}` && want(c.card))?.card,
      );
    };

    const inbox = (mailbox: string) =>
      admin<{ value: AdminMail[] }>(
        'GET',
        `/mailboxes/${encodeURIComponent(mailbox)}/messages?folder=inbox`,
      ).then((r) => r.value);
    const events = (mailbox: string) =>
      admin<{ value: AdminEvent[] }>('GET', `/mailboxes/${encodeURIComponent(mailbox)}/events`).then(
        (r) => r.value,
      );
    const mailsFor = async (disputeId: string, e: { mailbox: string; subject: RegExp }) =>
      (await inbox(e.mailbox)).filter(
        (m) =>
          e.subject.test(m.subject) &&
          m.internetMessageHeaders.some(
            (h) => h.name.toLowerCase() === 'x-concord-dispute' && h.value === disputeId,
          ),
      );
    const meetingsFor = async (caseReference: string, e: { convener: string; subject: RegExp }) =>
      (await events(e.convener)).filter(
        (m) => namesCase(m.subject, caseReference) && e.subject.test(m.subject) && !m.isCancelled,
      );
    /** Cards posted into a person's chat (the one the opener made, or the one they wrote from) with `verb` for the dispute. */
    const cardsFor = (disputeId: string, person: string, verb: string) =>
      connector.cards.filter(
        (c) =>
          c.method === 'POST' &&
          (c.conversation === `cards-${person}` || c.conversation === `chat-${teamsUserIdOf(person)}`) &&
          actionsOf(c.card).some((a) => a.verb === verb && a.data.disputeId === disputeId),
      );
    const seen = async (d: Dispute, e: Evidence) =>
      e.kind === 'email'
        ? (await mailsFor(d.id, e)).length > 0
        : e.kind === 'meeting'
          ? (await meetingsFor(d.caseReference, e)).length > 0
          : cardsFor(d.id, e.person, e.verb).length >= (e.nth ?? 1);

    // ── The disputes, spread over the procedures.
    interface Dispute {
      id: string;
      caseReference: string;
      procedure: ChaosProcedure;
    }
    const names = options.procedures ?? Object.keys(CHAOS_PROCEDURES);
    const procedures = names.map((n) => {
      const p = CHAOS_PROCEDURES[n];
      if (!p)
        throw new Error(
          `no chaos steps for procedure ${n} (known: ${Object.keys(CHAOS_PROCEDURES).join(', ')})`,
        );
      return p;
    });
    const limit = pLimit(options.concurrency ?? 8);
    const disputes: Dispute[] = [];

    /**
     * Raises one dispute through the chat wizard (again if the bot died under it). A person has one
     * raise draft at a time, so one raiser's disputes are raised one after another (raise-wizard.ts).
     */
    const raise = async (procedure: ChaosProcedure, n: number): Promise<Dispute> => {
      const caseReference = `CH-${options.seed}-${n}`;
      const who = teamsUserIdOf(procedure.raiser);
      const isRaised = (c: unknown) => JSON.stringify(c).includes('Dispute raised');
      for (let attempt = 0; ; attempt++) {
        if (attempt > 20) throw new Error(`could not raise ${caseReference}`);
        try {
          const risk = await clickForCard(who, 'raise', {}, (c) =>
            actionsOf(c).some((a) => a.verb === 'immediate-risk-no'),
          );
          const no = actionsOf(risk).find((a) => a.verb === 'immediate-risk-no');
          if (!no) continue;
          let wizard = await clickForCard(who, 'immediate-risk-no', no.data, (c) =>
            actionsOf(c).some((a) => a.verb === 'submit-raise' || a.verb === 'raise-continue'),
          );
          // "Before you start": the procedure's out-of-scope matters, and (NEL) who it is about.
          const start = actionsOf(wizard).find((a) => a.verb === 'raise-continue');
          if (start) {
            wizard = await clickForCard(
              who,
              'raise-continue',
              { ...start.data, ...answersFor(wizard, procedure.raise, false) },
              (c) => actionsOf(c).some((a) => a.verb === 'submit-raise'),
            );
          }
          const submit = actionsOf(wizard).find((a) => a.verb === 'submit-raise');
          if (!submit) continue;
          const id = String(submit.data.disputeId);
          const before = connector.cards.length;
          const answer = await invoke(who, 'submit-raise', {
            ...submit.data,
            ...answersFor(wizard, procedure.raise, true),
            caseReference,
          });
          const answered = cardOfInvoke(answer);
          const done =
            answered && isRaised(answered)
              ? answered
              : await until('the raise confirmation', 20_000, async () =>
                  connector.cards
                    .slice(before)
                    .find((c) => c.conversation === `chat-${who}` && isRaised(c.card)),
                ).then(
                  (c) => c.card,
                  () => answered,
                );
          if (done && isRaised(done)) {
            log(`  raised ${caseReference} (${id.slice(0, 8)})`);
            return { id, caseReference, procedure };
          }
          // The answer was lost with the bot: the raise went in if a step card for the dispute shows
          // up (a domain verb; the wizard's own cards carry the draft's id too).
          const arrived = await until('a step card for the new dispute', 20_000, async () =>
            connector.cards
              .slice(before)
              .some((c) =>
                actionsOf(c.card).some((a) => a.data.disputeId === id && !WIZARD_VERBS.has(a.verb)),
              ) || (await mailsToAnyone(id))
              ? true
              : undefined,
          ).catch(() => false);
          if (arrived) {
            log(`  raised ${caseReference} (${id.slice(0, 8)}; its answer was lost)`);
            return { id, caseReference, procedure };
          }
          const said = JSON.stringify(done ?? connector.cards.at(-1)?.card ?? '')
            .match(/"text":"[^"]*"/g)
            ?.slice(0, 12)
            .join(' ');
          log(`  raising ${caseReference} again; the form said: ${said ?? 'nothing'}`);
        } catch (error) {
          log(`  raising ${caseReference} again: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    };
    /** Whether any email carries the dispute (a raise whose first stage mails the other agency at once). */
    const mailsToAnyone = async (disputeId: string) => {
      for (const p of procedures)
        for (const e of p.once)
          if (e.kind === 'email' && (await mailsFor(disputeId, e)).length > 0) return true;
      return false;
    };

    async function walk(procedure: ChaosProcedure, group: Dispute[]) {
      for (const [index, step] of procedure.steps.entries()) {
        if (step.kind === 'after-meeting') {
          // One move of the test clock past the end of every dispute's meeting.
          let latest = 0;
          for (const d of group)
            for (const e of await meetingsFor(d.caseReference, step)) {
              const end = Date.parse(/Z$/.test(e.end.dateTime) ? e.end.dateTime : `${e.end.dateTime}Z`);
              latest = Math.max(latest, end);
            }
          const to = new Date(latest + 60_000).toISOString();
          await post('/dev/clock', { advanceTo: to });
          figures.steps += group.length;
          log(`${procedure.id} step ${index + 1}: the clock moved to ${to}`);
          continue;
        }
        await Promise.all(
          group.map((d) =>
            limit(async () => {
              await takeStep(d, step);
              figures.steps++;
            }),
          ),
        );
        log(
          `${procedure.id} step ${index + 1}: ${group.length} × ${step.kind}${step.kind === 'click' ? ` ${step.verb}` : ''}`,
        );
        if (options.killAfterSteps?.includes(index + 1)) await killNow();
      }
    }

    const latestCardWith = (d: Dispute, person: string, verb: string) => cardsFor(d.id, person, verb).at(-1);

    /** A card as Teams shows it: its refresh's answer when it has one (the bot may be down: again). */
    const shownAsTeamsWould = async (person: string, card: Record<string, unknown>): Promise<unknown> => {
      const refresh = refreshOf(card);
      if (!refresh) return card;
      return cardOfInvoke(await invoke(teamsUserIdOf(person), refresh.verb, refresh.data));
    };

    /** Copies that refreshed as "This card was sent again" while their step was still to be taken. */
    const shownSentAgain = new Set<Card>();
    /**
     * Before a person acts on a step posted to them more than once, every earlier copy is refreshed
     * as Teams refreshes the cards it shows. A copy whose delivery attempt was cut off and sent again
     * must come back read-only, "This card was sent again"; one that comes back live is a duplicate.
     */
    const refreshEarlierCopies = async (d: Dispute, person: string, verb: string) => {
      const copies = cardsFor(d.id, person, verb);
      if (copies.length < 2) return;
      await sleep(500); // the resend's slot write follows its POST
      for (const copy of copies.slice(0, -1)) {
        if (shownSentAgain.has(copy)) continue;
        const refresh = refreshOf(copy.card);
        if (!refresh) continue;
        const shown = cardOfInvoke(await invoke(teamsUserIdOf(person), refresh.verb, refresh.data));
        if (shown && JSON.stringify(shown).includes('This card was sent again')) shownSentAgain.add(copy);
      }
    };

    async function takeStep(d: Dispute, step: Exclude<ChaosStep, { kind: 'after-meeting' }>) {
      if (step.kind === 'click') {
        for (let attempt = 0; attempt < 30; attempt++) {
          if (await seen(d, step.done)) return;
          // The person acts on their latest card as Teams shows it: refreshed (Universal Actions).
          // A copy whose delivery was cut off by a kill shows read-only until its resend arrives.
          // The step may have been taken before a kill cut off its answer: its card then turns
          // read-only and its effect (an email that waits out the 2-minute settle of a send cut
          // off by the kill, or a Retry-After) shows later. So the wait also watches for the effect.
          const live = await until(
            `${step.person}'s card with ${step.verb} for ${d.caseReference}`,
            300_000,
            async () => {
              if (await seen(d, step.done)) return DONE;
              const latest = latestCardWith(d, step.person, step.verb);
              if (!latest) return undefined;
              const shown = await shownAsTeamsWould(step.person, latest.card);
              return actionsOf(shown).some((a) => a.verb === step.verb && a.data.disputeId === d.id)
                ? shown
                : undefined;
            },
          ).catch((error: unknown) => {
            const verbs = connector.cards
              .filter(
                (c) =>
                  c.conversation === `cards-${step.person}` ||
                  c.conversation === `chat-${teamsUserIdOf(step.person)}`,
              )
              .map(
                (c) =>
                  `${c.method} ${actionsOf(c.card)
                    .map((a) => `${a.verb}:${String(a.data.disputeId).slice(0, 8)}`)
                    .join(',')}`,
              );
            log(`  cards to ${step.person}: ${verbs.join(' | ')} (dispute ${d.id.slice(0, 8)})`);
            throw error;
          });
          if (live === DONE || (await seen(d, step.done))) return;
          await refreshEarlierCopies(d, step.person, step.verb);
          const action = actionsOf(live).find((a) => a.verb === step.verb && a.data.disputeId === d.id);
          await invoke(teamsUserIdOf(step.person), step.verb, {
            ...action?.data,
            ...answersFor(live, step.inputs ?? {}, false),
          });
          const happened = await until(`${step.verb} on ${d.caseReference} to show`, 30_000, async () =>
            (await seen(d, step.done)) ? true : undefined,
          ).catch(() => false);
          if (happened) return;
        }
        throw new Error(`${step.verb} by ${step.person} on ${d.caseReference} never showed`);
      }
      if (step.kind === 'reply') {
        const [mail] = await until(`the email to reply to on ${d.caseReference}`, 180_000, async () => {
          const found = await mailsFor(d.id, step);
          return found.length > 0 ? found : undefined;
        });
        await admin(
          'POST',
          `/mailboxes/${encodeURIComponent(step.mailbox)}/messages/${encodeURIComponent(mail?.id ?? '')}/reply`,
          { comment: step.text },
        );
        // Concord has it when it shows; the other agency never replies twice.
        await until(`the reply on ${d.caseReference} to show`, 300_000, async () =>
          (await seen(d, step.done)) ? true : undefined,
        );
        return;
      }
      const [meeting] = await until(`the meeting of ${d.caseReference}`, 180_000, async () => {
        const found = await meetingsFor(d.caseReference, step);
        return found.length > 0 ? found : undefined;
      });
      for (const attendee of meeting?.attendees ?? []) {
        const address = attendee.emailAddress.address;
        const copy = await until(`${address}'s invitation`, 60_000, async () =>
          (await events(address)).find((e) => e.iCalUId === meeting?.iCalUId && !e.isCancelled),
        );
        await admin(
          'POST',
          `/mailboxes/${encodeURIComponent(address)}/events/${encodeURIComponent(copy.id)}/respond`,
          { response: 'accept' },
        );
      }
    }

    // Each procedure's disputes are raised and walked in turn: the test clock is one for all, and a
    // move past one procedure's meetings would otherwise run another's deadlines out mid-stage.
    const groups = procedures.map((procedure, g) => ({
      procedure,
      count:
        Math.floor(options.disputes / procedures.length) + (g < options.disputes % procedures.length ? 1 : 0),
    }));
    let n = 0;
    for (const { procedure, count } of groups) {
      if (count === 0) continue;
      log(`${procedure.id}: raising ${count} disputes`);
      const group: Dispute[] = [];
      for (let i = 0; i < count; i++) group.push(await raise(procedure, n++));
      const ids = new Set(group.map((d) => d.id));
      if (ids.size !== group.length)
        throw new Error(`${procedure.id}: two raises gave one dispute (driver bug)`);
      disputes.push(...group);
      figures.disputes = disputes.length;
      await walk(procedure, group);
    }

    // ── Done: stop killing, let the bot finish what it has, then count where things landed.
    stopping = true;
    if (killer) clearTimeout(killer);
    await ready;
    await sleep(3_000);
    // An email or meeting may still be on its way: under injected faults its outbox entry can be
    // waiting out a Retry-After or a backoff. Wait for it (as a person would) before calling it lost.
    const settleBy = Date.now() + 180_000;
    for (;;) {
      let missing = 0;
      for (const d of disputes)
        for (const e of d.procedure.once) {
          const count =
            e.kind === 'email'
              ? (await mailsFor(d.id, e)).length
              : (await meetingsFor(d.caseReference, e)).length;
          if (count === 0) missing++;
        }
      if (missing === 0 || Date.now() > settleBy) break;
      log(`waiting for ${missing} emails or meetings still on their way`);
      await sleep(5_000);
    }
    for (const d of disputes) {
      for (const e of d.procedure.once) {
        const count =
          e.kind === 'email'
            ? (await mailsFor(d.id, e)).length
            : (await meetingsFor(d.caseReference, e)).length;
        const what =
          e.kind === 'email' ? `${e.mailbox} ${e.subject}` : `meeting ${e.subject} on ${e.convener}`;
        if (count === 0) {
          figures.lost++;
          problem(`${d.caseReference} (${d.procedure.id}): no ${what}`);
        } else if (count > 1) {
          figures.duplicates += count - 1;
          problem(`${d.caseReference} (${d.procedure.id}): ${count} × ${what}`);
        }
      }
      // Cards: each card a step asks a person to act on (the button with the step's verb, for this
      // dispute) is posted into their chat as often as the walk posts it (`cards`, else once).
      // Other cards (a meeting's running tally of answers) are rendered from the dispute's state
      // when delivered, so how many there are depends on how answers were batched.
      const pairs = new Set(
        d.procedure.steps.flatMap((s) => (s.kind === 'click' ? [`${s.person} ${s.verb}`] : [])),
      );
      for (const pair of pairs) {
        const [person = '', verb = ''] = pair.split(' ');
        const want = d.procedure.cards?.[pair] ?? 1;
        const copies = cardsFor(d.id, person, verb);
        const sentAgain = Math.min(
          Math.max(0, copies.length - want),
          copies.filter((c) => shownSentAgain.has(c)).length,
        );
        figures.sentAgain += sentAgain;
        const count = copies.length - sentAgain;
        if (count < want) {
          figures.lost += want - count;
          problem(
            `${d.caseReference} (${d.procedure.id}): ${count} of ${want} cards with ${verb} to ${person}`,
          );
        } else if (count > want) {
          figures.duplicates += count - want;
          // Each delivery attempt's card carries its own sendId (card-sender.ts): copies from
          // different attempts mean an attempt was cut off after the Connector took its card.
          const attempts = new Set(copies.map((c) => sendIdOf(c.card) ?? 'none')).size;
          problem(
            `${d.caseReference} (${d.procedure.id}): ${count} cards with ${verb} to ${person} (${want} expected; from ${attempts} delivery attempts)`,
          );
        }
      }
    }
  } finally {
    stopping = true;
    if (killer) clearTimeout(killer);
    for (const child of children) child.kill('SIGKILL');
    await connector.close();
    untrust();
    if (schema && options.databaseUrl && process.env.CHAOS_KEEP) log(`kept schema ${schema}`);
    else if (schema && options.databaseUrl) {
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: options.databaseUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
  figures.ms = Date.now() - started;
  return figures;
}

/**
 * EMULATOR_FAULTS for `rate` (0–1) of Graph requests failing: 30% of them 429 with Retry-After, 20%
 * 503 (also with Retry-After), 20% 504, 15% timeouts (carried out, never answered: the connection
 * is dropped after 3 s) and 15% expired tokens (401 InvalidAuthenticationToken).
 */
export function chaosFaults(rate: number, seed: number): string {
  return JSON.stringify({
    rate429: rate * 0.3,
    rate503: rate * 0.2,
    rate504: rate * 0.2,
    rateTimeout: rate * 0.15,
    timeoutMs: 3_000,
    rateExpiredToken: rate * 0.15,
    retryAfterSeconds: 1,
    seed,
  });
}

export function describeChaos(f: ChaosFigures): string {
  return [
    `disputes: ${f.disputes}, kills: ${f.kills}, steps: ${f.steps}, duplicates: ${f.duplicates}, lost: ${f.lost}` +
      (f.sentAgain > 0 ? ` (step cards sent again, earlier copy read-only: ${f.sentAgain})` : ''),
    `  in ${(f.ms / 1000).toFixed(0)} s`,
    ...f.problems.map((p) => `  ${p}`),
  ].join('\n');
}
