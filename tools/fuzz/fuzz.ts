/**
 * A bounded, seeded fuzzer over Concord's public endpoints in local mode: `POST /api/messages`
 * (activities, card submits, invokes, tampered `seq` and ids, huge and odd bodies) and the Graph
 * notification endpoints. The whole app runs in this process against the local Microsoft 365 and a
 * stand-in Bot Connector that records every reply.
 *
 * A run fails on any of:
 * - a 5xx answer (the documented 503 of a full notification queue included: the fuzzer never fills it);
 * - a hang: no answer within `hangMs`;
 * - a crash: an uncaught exception or unhandled rejection, or `/healthz` not answering at the end;
 * - a partial write, checked in the store afterwards: an audit trail with a gap, a dispute whose
 *   version is not its number of audit entries, a record, timer or outbox row without its dispute;
 * - a disclosure: anything the seeded dispute says (its case reference, its details) in a reply to
 *   a person who is not a party to it, or to someone who is not in the directory at all.
 *
 * The same seed makes the same requests. `npm run fuzz -- --count 10000 [--seed N]` prints the figures;
 * tests/fuzz runs a short one as part of `npm test`.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { graphTargetOf, startEmulator, trustEmulatorCa } from '@concord/m365-emulator';
import { Agent, fetch } from 'undici';
import { type App, createApp, SAMPLE_DIRECTORY } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/index.ts';
import type { PersonRef } from '../../src/domain/dispute/types.ts';
import { VERBS } from '../../src/domain/dispute/verbs.ts';

export interface FuzzOptions {
  readonly count: number;
  readonly seed: number;
  /** An answer slower than this is a hang. */
  readonly hangMs?: number;
  /** Requests in flight at once. */
  readonly concurrency?: number;
  readonly onProgress?: (done: number) => void;
}

export interface FuzzFigures {
  requests: number;
  byStatus: Record<string, number>;
  fiveHundreds: number;
  hangs: number;
  crashes: number;
  partialWrites: number;
  disclosures: number;
  /** What went wrong, one line each (at most 20). */
  failures: string[];
  /** 501s to invokes Concord does not use (botbuilder's NotImplemented); not failures. */
  unhandledInvokes: number;
  /** Starting the emulator and the app, before the first request. */
  setupMs: number;
  /** The five slowest answers. */
  slowest: string[];
  ms: number;
}

/** Party and non-party identities (Teams user ids) in the fuzzer's directory. */
const PRACTITIONER = 'user-id-0';
const TEAM_MANAGER = 'user-id-1';
/** ANE's family-finding practitioner: in the directory, party to nothing. */
const NON_PARTY = 'user-id-9';
/** Not in the directory at all. */
const STRANGER = 'user-id-77';

const CASE_REFERENCE = 'FZ-4417-QX';
const SECRET_DETAILS = {
  issue: 'Zebrafinch placement paperwork withheld since the autumn review.',
  informalAttempts: 'Spoke with the quokka team lead twice in December.',
  resolutionSought: 'The marmoset report within ten working days.',
};
const SECRETS = [CASE_REFERENCE, 'Zebrafinch', 'quokka', 'marmoset'];

/** mulberry32: a small seeded PRNG. */
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

interface Request {
  readonly path: string;
  readonly body: string | Buffer;
  readonly contentType: string;
  /** The Teams user the request claims to come from (for the disclosure check). */
  readonly from: string | null;
}

/** A stand-in Bot Connector: answers every call and keeps what each conversation was sent. */
async function startConnector(): Promise<{
  serviceUrl: string;
  sent: Map<string, string[]>;
  close(): Promise<void>;
}> {
  const sent = new Map<string, string[]>();
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const match = /^\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
      if (match) {
        const conversation = decodeURIComponent(match[1] ?? '');
        const list = sent.get(conversation) ?? [];
        list.push(Buffer.concat(chunks).toString('utf8'));
        sent.set(conversation, list);
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: `a-${++n}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    serviceUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    sent,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const ODD_TEXT = [
  '',
  ' ',
  'help',
  'raise a dispute',
  'my disputes',
  'act as team-manager',
  'act as me',
  // Another dispute's reference: the fuzzer never sends the seeded one's, so any in a reply is disclosed.
  'open FZ-0000-XX',
  '\u0000\u0001\u0002',
  '\u202eevil\u202c',
  '\u200b\u200b\u200b',
  "'; drop table disputes; --",
  '<script>alert(1)</script>',
  // Template syntax of Adaptive Cards and of JavaScript, as typed text.
  `{{$root}}$${'{'}process.env}`,
  '%00%ff%E0%A4%A',
  '\ud800',
  '😀'.repeat(500),
  'a'.repeat(70_000),
];

const ODD_VALUES: unknown[] = [
  null,
  undefined,
  0,
  -1,
  99,
  1e308,
  Number.MAX_SAFE_INTEGER,
  '1',
  'x',
  '',
  [],
  {},
  true,
  '__proto__',
  { toString: 'x' },
  'a'.repeat(5_000),
];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

function generator(
  random: () => number,
  ctx: {
    serviceUrl: string;
    disputeId: () => string;
    seq: () => number;
    subscriptions: () => { id: string; clientState: string; mailboxId: string }[];
  },
) {
  const identity = () => pick(random, [PRACTITIONER, TEAM_MANAGER, NON_PARTY, NON_PARTY, STRANGER, STRANGER]);
  const verbs = Object.values(VERBS) as string[];
  const oddOr = <T>(value: T): unknown => (random() < 0.25 ? pick(random, ODD_VALUES) : value);
  const disputeIdOr = () =>
    random() < 0.7 ? ctx.disputeId() : pick(random, [randomUUID(), '../../etc', "' or 1=1 --", '', 42]);
  const seqOr = () => (random() < 0.5 ? ctx.seq() : pick(random, [ctx.seq() - 1, ctx.seq() + 1, 99, -1, 0]));

  function activity(from: string): Record<string, unknown> {
    const base: Record<string, unknown> = {
      id: `act-${Math.floor(random() * 1e9)}`,
      channelId: 'msteams',
      serviceUrl: ctx.serviceUrl,
      timestamp: new Date().toISOString(),
      from: { id: from, aadObjectId: random() < 0.2 ? randomUUID() : undefined, name: 'Someone' },
      recipient: { id: 'concord-bot', name: 'Concord' },
      conversation: { id: `conv-${from}`, conversationType: 'personal' },
      locale: 'en-GB',
    };
    const data = () => ({
      verb: oddOr(pick(random, verbs)),
      disputeId: oddOr(disputeIdOr()),
      seq: oddOr(seqOr()),
      choice: oddOr(pick(random, ['escalate', 'informal', 'accept', 'nonsense'])),
      note: oddOr(pick(random, ODD_TEXT)),
      caseReference: oddOr(pick(random, ODD_TEXT)),
      issue: oddOr(pick(random, ODD_TEXT)),
    });
    switch (Math.floor(random() * 6)) {
      case 0: {
        const text = pick(random, ODD_TEXT);
        // Local mode's "act as" lets anyone play a party; only the parties' own chats use it here.
        const played = text.startsWith('act as') && (from === NON_PARTY || from === STRANGER);
        return { ...base, type: 'message', text: played ? 'help' : text };
      }
      case 1:
        return { ...base, type: 'message', text: '', value: data() };
      case 2:
        return {
          ...base,
          type: 'invoke',
          name: 'adaptiveCard/action',
          value: { action: { type: 'Action.Execute', verb: oddOr(pick(random, verbs)), data: data() } },
        };
      case 3:
        return {
          ...base,
          type: 'conversationUpdate',
          membersAdded: oddOr([{ id: 'concord-bot' }, { id: from }]),
        };
      case 4:
        return {
          ...base,
          type: pick(random, ['invoke', 'event', 'typing', 'messageReaction', 'x']),
          name: oddOr('y'),
        };
      default: {
        // Fields of the wrong type.
        const broken: Record<string, unknown> = { ...base, type: 'message', text: 'help' };
        const field = pick(random, [
          'type',
          'from',
          'conversation',
          'serviceUrl',
          'channelId',
          'recipient',
          'text',
        ]);
        broken[field] = pick(random, ODD_VALUES);
        return broken;
      }
    }
  }

  function notification(): Record<string, unknown> {
    const subs = ctx.subscriptions();
    const sub = subs.length > 0 && random() < 0.6 ? pick(random, subs) : undefined;
    return {
      subscriptionId: oddOr(sub?.id ?? randomUUID()),
      // The real secret only sometimes: a forgery otherwise.
      clientState: oddOr(sub && random() < 0.5 ? sub.clientState : 'guess'),
      changeType: oddOr(pick(random, ['created', 'updated', 'deleted'])),
      resource: oddOr(
        pick(random, [
          `Users/${sub?.mailboxId ?? 'x'}/Messages/AAMk${Math.floor(random() * 1e6)}`,
          `Users/${randomUUID()}/Messages/AAMk1`,
          `users('${sub?.mailboxId ?? 'x'}')/events('AAMk2')`,
          'Users/%E0%A4%A/Messages/%zz',
          '',
        ]),
      ),
      resourceData: oddOr({ id: oddOr(`AAMk${Math.floor(random() * 1e6)}`) }),
      lifecycleEvent: random() < 0.1 ? oddOr('missed') : undefined,
    };
  }

  return function next(): Request {
    const roll = random();
    if (roll < 0.62) {
      const from = identity();
      return {
        path: '/api/messages',
        body: JSON.stringify(activity(from)),
        contentType: 'application/json',
        from,
      };
    }
    if (roll < 0.7) {
      // Odd bodies: not JSON, arrays, deep nesting, over the limit.
      const body = pick(random, [
        '',
        'not json',
        '[]',
        'null',
        '{"type":',
        `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
        JSON.stringify({ type: 'message', text: 'x'.repeat(1_100_000) }),
        '\u0000'.repeat(10),
      ]);
      return {
        path: pick(random, ['/api/messages', '/api/graph/notifications', '/api/graph/lifecycle']),
        body,
        contentType: pick(random, ['application/json', 'text/plain', 'application/x-www-form-urlencoded']),
        from: null,
      };
    }
    if (roll < 0.78) {
      const token = pick(random, [
        'Validation: Testing client application reachability',
        '',
        '<script>x</script>',
        '\u0000',
        'a'.repeat(2_000),
        '%E0%A4%A',
      ]);
      return {
        path: `${pick(random, ['/api/graph/notifications', '/api/graph/lifecycle'])}?validationToken=${encodeURIComponent(token)}`,
        body: '',
        contentType: 'text/plain',
        from: null,
      };
    }
    const size = random() < 0.05 ? 5_000 : 1 + Math.floor(random() * 5);
    return {
      path: pick(random, ['/api/graph/notifications', '/api/graph/lifecycle']),
      body: JSON.stringify({ value: Array.from({ length: size }, notification) }),
      contentType: 'application/json',
      from: null,
    };
  };
}

/** Runs the fuzzer; never throws for what it finds (the figures say it). */
export async function runFuzz(options: FuzzOptions): Promise<FuzzFigures> {
  const started = Date.now();
  const hangMs = options.hangMs ?? 10_000;
  const figures: FuzzFigures = {
    requests: 0,
    byStatus: {},
    fiveHundreds: 0,
    hangs: 0,
    crashes: 0,
    partialWrites: 0,
    disclosures: 0,
    failures: [],
    unhandledInvokes: 0,
    setupMs: 0,
    slowest: [],
    ms: 0,
  };
  const perKind = new Map<string, number>();
  /** Keeps the first five failures of each kind. */
  const fail = (line: string) => {
    const kind = line.split(/[ :]/)[0] ?? '';
    const n = perKind.get(kind) ?? 0;
    perKind.set(kind, n + 1);
    if (n < 5) figures.failures.push(line);
  };
  const onCrash = (error: unknown) => {
    figures.crashes++;
    fail(`crash: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  // The sample partnership, with ANE's family-finding practitioner given a Teams identity.
  const dir = mkdtempSync(path.join(tmpdir(), 'concord-fuzz-'));
  const directory = JSON.parse(readFileSync(SAMPLE_DIRECTORY, 'utf8')) as {
    people: { id: string; teamsUserId?: string }[];
  };
  const finder = directory.people.find((p) => p.id === 'ane-family-finder');
  if (finder) finder.teamsUserId = NON_PARTY;
  const directoryFile = path.join(dir, 'directory.json');
  writeFileSync(directoryFile, JSON.stringify(directory));

  const m365 = await startEmulator({ directory: directoryFile });
  const untrust = trustEmulatorCa(m365.caPem);
  const connector = await startConnector();
  let app: App | undefined;
  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    app = await createApp({
      config: loadConfig({
        PORT: String(port),
        PUBLIC_URL: url,
        CLOCK: 'test',
        DATA_DIR: dir,
        // FUZZ_LOG_LEVEL=error shows why a turn failed (on standard output).
        LOG_LEVEL: process.env.FUZZ_LOG_LEVEL ?? 'silent',
        NODE_ENV: 'test',
      }),
      directoryFile,
      storeTarget: { engine: 'pglite', dataDir: null },
      testClockStart: new Date('2027-01-11T09:30:00.000Z'),
      pollIntervalMs: 50,
      maintenance: false,
      graph: graphTargetOf(m365),
      // Everyone's cards go to the stand-in connector.
      conversationOpener: ({ refs }) => ({
        async open(person) {
          await refs.save({
            personId: person.id,
            aadObjectId: null,
            reference: {
              channelId: 'msteams',
              serviceUrl: connector.serviceUrl,
              conversation: { id: `cards-${person.id}`, conversationType: 'personal' },
              bot: { id: 'concord-bot', name: 'Concord' },
              user: { id: `teams-${person.id}`, name: person.name },
            },
          });
          return { ok: true };
        },
      }),
    });
    await app.listen(port);
    const running = app;

    // One dispute, raised by the ANE practitioner with their Team Manager to decide.
    const disputeId = randomUUID();
    const personRef = (id: string): PersonRef => {
      const p = running.directory.person(id);
      if (!p) throw new Error(`no ${id} in the directory`);
      return running.directory.personRef(p);
    };
    const raised = await running.runtime.service.applyEvent(
      disputeId,
      {
        type: 'raised',
        disputeId,
        by: personRef('ane-practitioner'),
        immediateRiskChecked: true,
        caseReference: CASE_REFERENCE,
        raisingOrganisationId: 'ane',
        counterpartOrganisationId: 'gateshead',
        category: 'incomplete-documentation',
        details: SECRET_DETAILS,
      },
      { source: 'teams', procedureId: 'ane' },
    );
    if (!raised.ok) throw new Error(`the fuzzer's dispute was refused: ${raised.refusal.reason}`);
    await running.runtime.worker.drain();

    let seq = 1;
    const refreshSeq = async () => {
      const row = await running.runtime.store.db
        .selectFrom('disputes')
        .select('version')
        .where('id', '=', disputeId)
        .executeTakeFirst();
      seq = row?.version ?? seq;
    };
    // The real subscriptions (their secrets too): some notifications are genuine.
    const subscriptions = (
      await running.runtime.store.db
        .selectFrom('graph_subscriptions')
        .select(['id', 'client_state', 'mailbox_id'])
        .execute()
    ).map((s) => ({ id: s.id, clientState: s.client_state, mailboxId: s.mailbox_id ?? '' }));
    const random = prng(options.seed);
    const next = generator(random, {
      serviceUrl: connector.serviceUrl,
      disputeId: () => disputeId,
      seq: () => seq,
      subscriptions: () => subscriptions,
    });

    const requests = Array.from({ length: options.count }, next);
    // The fuzzer's own connections, opened after the (synchronous, seconds-long) generation: the
    // global pool holds the emulator's subscription-validation calls to the app, idle past the
    // server's 5 s keep-alive while the generation blocked the loop, and reusing them raced the
    // server's close (the 2 resets of earlier 10,000 runs were requests 0 and 1, every run).
    const client = new Agent({ connections: 8 });
    figures.setupMs = Date.now() - started;
    const slowest: { ms: number; what: string }[] = [];
    let index = 0;
    const worker = async () => {
      while (index < requests.length) {
        const at = index++;
        const request = requests[at] as Request;
        const t = Date.now();
        try {
          const response = await fetch(`${url}${request.path}`, {
            dispatcher: client,
            method: 'POST',
            headers: { 'content-type': request.contentType },
            body: request.body,
            signal: AbortSignal.timeout(hangMs),
          });
          const text = await response.text();
          figures.byStatus[response.status] = (figures.byStatus[response.status] ?? 0) + 1;
          slowest.push({
            ms: Date.now() - t,
            what: `${response.status} ${request.path} ${summary(request.body)}`,
          });
          slowest.sort((a, b) => b.ms - a.ms);
          slowest.length = Math.min(slowest.length, 5);
          // botbuilder's answer to an invoke nobody handles (Bot Framework's NotImplemented) is
          // 501; it is no failure for an invoke name Concord does not use. Any other 5xx is.
          const unhandledInvoke = response.status === 501 && !isCardAction(request.body);
          if (unhandledInvoke) figures.unhandledInvokes++;
          if (response.status >= 500 && !unhandledInvoke) {
            figures.fiveHundreds++;
            fail(`${response.status} on ${request.path}: ${summary(request.body)}`);
            // FUZZ_DUMP=file keeps each failing request whole, to replay it.
            if (process.env.FUZZ_DUMP)
              appendFileSync(process.env.FUZZ_DUMP, `${at} ${request.path} ${request.body}\n`);
          }
          if (request.from === NON_PARTY || request.from === STRANGER) {
            if (SECRETS.some((s) => text.includes(s))) {
              figures.disclosures++;
              fail(
                `disclosed in the answer to ${request.from}: ${summary(request.body)}: ${text.slice(0, 300)}`,
              );
            }
          }
        } catch (error) {
          const name = error instanceof Error ? error.name : '';
          if (name === 'TimeoutError' || Date.now() - t >= hangMs) {
            figures.hangs++;
            fail(`hang on ${request.path}: ${String(request.body).slice(0, 160)}`);
          } else {
            figures.byStatus.reset = (figures.byStatus.reset ?? 0) + 1;
            // A reset socket is only right for a body over the limit that was not read.
            if (Buffer.byteLength(request.body) < 1_048_576) {
              figures.crashes++;
              if (process.env.FUZZ_DUMP)
                appendFileSync(process.env.FUZZ_DUMP, `${at} ${request.path} ${request.body}\n`);
              const cause = (error as { cause?: { code?: string } }).cause?.code ?? '';
              fail(
                `connection failed on ${request.path} (${name} ${cause}, ${Buffer.byteLength(request.body)} bytes): ${summary(request.body)}`,
              );
            }
          }
        }
        figures.requests++;
        if (figures.requests % 50 === 0) {
          await refreshSeq();
          options.onProgress?.(figures.requests);
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
    await client.close();

    // Let the replies and the queues finish, then look.
    await running.runtime.worker.drain();
    await running.inbound.queue.idle();
    await settleReplies(running);
    const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(hangMs) }).catch(() => null);
    if (health?.status !== 200) {
      figures.crashes++;
      fail('/healthz did not answer 200 after the run');
    }
    for (const who of [NON_PARTY, STRANGER]) {
      for (const body of connector.sent.get(`conv-${who}`) ?? []) {
        if (SECRETS.some((s) => body.includes(s))) {
          figures.disclosures++;
          fail(`disclosed to ${who}: ${body.slice(0, 200)}`);
        }
      }
    }
    const cardsToNonParty = connector.sent.get('cards-ane-family-finder') ?? [];
    if (cardsToNonParty.some((b) => SECRETS.some((s) => b.includes(s)))) {
      figures.disclosures++;
      fail('a card about the dispute went to the non-party');
    }
    figures.slowest = slowest.map((s) => `${s.ms} ms: ${s.what}`);
    const partial = await partialWrites(running);
    figures.partialWrites = partial.length;
    for (const line of partial) fail(`partial write: ${line}`);
  } finally {
    await app?.stop().catch((error: unknown) => onCrash(error));
    await connector.close();
    await m365.close();
    untrust();
    rmSync(dir, { recursive: true, force: true });
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
  figures.ms = Date.now() - started;
  return figures;
}

/** Waits for the local-mode reply outbox to empty (bounded). */
async function settleReplies(app: App): Promise<void> {
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    const row = await app.runtime.store.db
      .selectFrom('bot_replies')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(row.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Store invariants that a half-done write would break; one line per breach. */
async function partialWrites(app: App): Promise<string[]> {
  const db = app.runtime.store.db;
  const out: string[] = [];
  const disputes = await db.selectFrom('disputes').select(['id', 'version']).execute();
  for (const d of disputes) {
    const seqs = (
      await db.selectFrom('audit').select('seq').where('dispute_id', '=', d.id).orderBy('seq').execute()
    ).map((r) => r.seq);
    if (seqs.some((s, i) => s !== i + 1)) out.push(`dispute ${d.id}: audit seqs ${seqs.join(',')}`);
    if (seqs.length !== d.version)
      out.push(`dispute ${d.id}: version ${d.version}, ${seqs.length} audit entries`);
  }
  const ids = new Set(disputes.map((d) => d.id));
  for (const table of ['audit', 'records', 'timers', 'outbox'] as const) {
    const rows = await db.selectFrom(table).select('dispute_id').distinct().execute();
    for (const r of rows)
      if (!ids.has(r.dispute_id)) out.push(`${table} rows for missing dispute ${r.dispute_id}`);
  }
  return out;
}

/** Whether the body is an `adaptiveCard/action` invoke (Concord's card actions). */
function isCardAction(body: string | Buffer): boolean {
  try {
    const a = JSON.parse(String(body)) as { type?: unknown; name?: unknown };
    return a.type === 'invoke' && a.name === 'adaptiveCard/action';
  } catch {
    return false;
  }
}

/** What a request was, short: the activity's type, name and verb, or the start of the body. */
function summary(body: string | Buffer): string {
  try {
    const a = JSON.parse(String(body)) as Record<string, unknown>;
    const value = a.value as { verb?: unknown; action?: { verb?: unknown } } | undefined;
    // Each field cut to 40 characters: a fuzzed verb can be thousands long.
    const cut = (v: unknown) => (typeof v === 'string' && v.length > 40 ? `${v.slice(0, 40)}…` : v);
    return JSON.stringify({
      type: cut(a.type),
      name: cut(a.name),
      verb: cut(value?.verb ?? value?.action?.verb),
      from: cut((a.from as { id?: unknown } | undefined)?.id),
    });
  } catch {
    return String(body).slice(0, 120);
  }
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

/** The figures as the CLI prints them. */
export function describeFigures(f: FuzzFigures): string {
  const statuses = Object.entries(f.byStatus)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, n]) => `${s}: ${n}`)
    .join(', ');
  return [
    `requests: ${f.requests} in ${((f.ms - f.setupMs) / 1000).toFixed(1)} s after ${(f.setupMs / 1000).toFixed(1)} s of setup (${statuses})`,
    `501 to invokes Concord does not use (not failures): ${f.unhandledInvokes}`,
    `slowest: ${f.slowest.join(' | ')}`,
    `5xx: ${f.fiveHundreds}, hangs: ${f.hangs}, crashes: ${f.crashes}, partial writes: ${f.partialWrites}, disclosures: ${f.disclosures}`,
    ...f.failures.map((line) => `  ${line}`),
  ].join('\n');
}
