/**
 * One dispute in one sample partnership, driven through `createApp`, the real adapters, the
 * emulator and the test clock, as its people would drive it: whoever's step it is acts in Teams
 * (`applyEvent` with `source: 'teams'`, as the bot does); people in another tenant act only through
 * the emulator (they read their inbox, reply on the thread, answer the invitation).
 *
 * The integration journeys (tests/integration/*-journey*.test.ts and exceptional-routes-*.test.ts)
 * share it, so each test says only what its route does differently.
 *
 * @example
 * const j = await openJourney({ sample: 'iro', procedureId: 'iro-drp' });
 * await j.raise({ raiser: 'northborough-cssu-iro', raising: 'northborough-cssu', counterpart: 'northborough-csc' });
 * await j.walkTo((s) => s.stage.id === 'stage-6' && s.stage.phase === 'awaiting-owner');
 */

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, expect } from 'vitest';
import { refusalText } from '../../src/cards/wording/refusals.ts';
import type { DisputeEvent, DisputeState, PersonRef, Refusal } from '../../src/domain/dispute/types.ts';
import { caseFileOf } from '../../src/export/case-file.ts';
import { DISPUTE_HEADER } from '../../src/graph/ids.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import { loadDisputeExport } from '../../src/store/index.ts';
import { actionsOf, textOf } from '../bot/harness.ts';
import { raiseConfirmations } from '../domain/dispute/fixtures.ts';
import type { DeliveredCard } from './bot-connector.ts';
import {
  type AdminEvent,
  type AdminMail,
  type ConcordApp,
  clickAs,
  eventInstant,
  startConcordApp,
} from './concord-app.ts';
import { eventually } from './wait.ts';

interface DirectoryFile {
  organisations: { id: string; tenant: 'host' | 'external' }[];
  people: { id: string; email: string; organisation: string }[];
}

export interface RaiseOptions {
  readonly raiser: string;
  readonly raising: string;
  readonly counterpart: string;
  readonly urgency?: string;
  readonly category?: string;
  readonly caseReference?: string;
  /** Whom the dispute is about, where the procedure covers children and adults (NEL). */
  readonly about?: 'child' | 'adult';
}

/** How the main ladder's walker answers each step (default: nothing agreed, escalate). */
export interface StepPolicy {
  /** Resolve at this stage instead of escalating. */
  readonly resolveAt?: string;
}

/** A card's text as a person reads it: without the zero-width breaks and Markdown escapes around addresses. */
export function plain(text: string): string {
  return text.replace(/\u200b|\u200c|\u200d|\u2060/g, '').replace(/\\([\\`*_{}[\]()#+\-.!<>])/g, '$1');
}

export const ISSUE = 'The agencies disagree about whether the threshold for a strategy discussion is met.';

export type Journey = Awaited<ReturnType<typeof openJourney>>;

export interface JourneyOptions {
  readonly sample: string;
  readonly procedureId: string;
  /** A directory file in place of the sample's (a variant of it, e.g. another tenant for a body). */
  readonly directoryFile?: string;
}

export async function openJourney(options: JourneyOptions) {
  const directoryFile = options.directoryFile ?? `directory/sample-${options.sample}.json`;
  const directory = JSON.parse(readFileSync(directoryFile, 'utf8')) as DirectoryFile;
  const hostOrgs = new Set(directory.organisations.filter((o) => o.tenant === 'host').map((o) => o.id));
  const world: ConcordApp = await startConcordApp({ directory: directoryFile });
  const { app, h, connector } = world;
  const runtime = app.runtime;
  const driver = runtime.driver;
  if (!driver) throw new Error('no test clock');
  const procedure = getProcedure(options.procedureId);
  if (!procedure) throw new Error(`no procedure ${options.procedureId}`);
  const id = randomUUID();
  let caseReference = `${options.sample.toUpperCase()}-2027-0001`;

  const inHost = (p: PersonRef) => hostOrgs.has(p.organisationId);
  const state = async (): Promise<DisputeState> => {
    const s = await runtime.service.get(id);
    if (!s) throw new Error('no dispute');
    return s;
  };
  const settled = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000) =>
    eventually(
      what,
      async () => {
        await runtime.worker.drain();
        await world.settleInbound();
        return probe();
      },
      { timeoutMs },
    );
  const tryAct = async (
    event: DisputeEvent,
  ): Promise<{ ok: true; state: DisputeState } | { ok: false; refusal: Refusal }> => {
    const result = await runtime.service.applyEvent(id, event, {
      source: 'teams',
      ...(event.type === 'raised' ? { procedureId: options.procedureId } : {}),
    });
    await runtime.worker.drain();
    return result.ok ? { ok: true, state: result.state } : { ok: false, refusal: result.refusal };
  };
  const act = async (event: DisputeEvent): Promise<DisputeState> => {
    const result = await tryAct(event);
    if (!result.ok) throw new Error(`${event.type} refused: ${refusalText(result.refusal)}`);
    return result.state;
  };
  /** The dispute's emails in a mailbox's inbox (Concord's dispute header names this dispute). */
  const disputeMail = async (address: string): Promise<AdminMail[]> =>
    (await world.messages(address, 'inbox')).filter((m) =>
      m.internetMessageHeaders.some((hd) => hd.name.toLowerCase() === DISPUTE_HEADER && hd.value === id),
    );
  /** Waits for an email of this dispute in `address`'s inbox that matches. */
  const mailTo = (address: string, what: string, match: (m: AdminMail) => boolean) =>
    settled(`${what} in ${address}'s inbox`, async () => (await disputeMail(address)).find(match));
  /** Waits for a card to a person that names the case and matches. */
  const cardTo = (personId: string, what: string, match: (text: string, c: DeliveredCard) => boolean) =>
    settled(`${what} to ${personId}`, async () =>
      connector.deliveriesTo(personId).find((c) => {
        const text = plain(textOf(c.card));
        return text.includes(caseReference) && match(text, c);
      }),
    );
  /** Everything a person has been shown in Teams about this dispute, newest last. */
  const cardTexts = (personId: string) =>
    connector
      .deliveriesTo(personId)
      .map((c) => plain(textOf(c.card)))
      .filter((t) => t.includes(caseReference));
  const reply = async (address: string, mail: AdminMail, comment: string) => {
    await h.admin(
      'POST',
      `/mailboxes/${encodeURIComponent(address)}/messages/${encodeURIComponent(mail.id)}/reply`,
      { comment },
    );
    await world.settleInbound();
  };
  /**
   * An Action.Execute click as Teams posts it to the real `POST /api/messages`, from the directory
   * person `personId`; returns the card the bot puts in place (null when it answers otherwise).
   */
  const click = async (
    personId: string,
    verb: string,
    data: Record<string, unknown>,
  ): Promise<Record<string, unknown> | null> => {
    const card = await clickAs(world, personId, verb, data);
    await runtime.worker.drain();
    return card;
  };
  /** "Open" from my disputes, clicked: the dispute card arrives in the person's chat; returns it. */
  const openCard = async (personId: string): Promise<Record<string, unknown>> => {
    const before = connector.deliveriesTo(personId).length;
    await click(personId, 'open-dispute', { disputeId: id, seq: 0 });
    const delivered = await settled(`the dispute card to ${personId}`, async () =>
      connector
        .deliveriesTo(personId)
        .slice(before)
        .find((c) => textOf(c.card).includes('Timeline')),
    );
    return delivered.card;
  };
  /** Clicks the button `verb` on the newest card to `personId` that carries it. */
  const clickOn = async (
    personId: string,
    what: string,
    verb: string,
    extra: Record<string, unknown> = {},
  ) => {
    const card = await settled(`${what} to ${personId}`, async () =>
      [...connector.deliveriesTo(personId)]
        .reverse()
        .find(
          (c) =>
            plain(textOf(c.card)).includes(caseReference) && actionsOf(c.card).some((a) => a.verb === verb),
        ),
    );
    const action = actionsOf(card.card).find((a) => a.verb === verb);
    return click(personId, verb, { ...action?.data, ...extra });
  };
  /** The organiser's copy of a meeting, on whichever host calendar holds it. */
  const organiserEvent = (eventId: string) =>
    settled(`event ${eventId} on a host calendar`, async () => {
      for (const p of directory.people.filter((q) => hostOrgs.has(q.organisation))) {
        const found = (await world.events(p.email)).find((e) => e.id === eventId && e.isOrganizer);
        if (found) return { event: found, calendar: p.email };
      }
      return undefined;
    });
  const invitation = (address: string, iCalUId: string | undefined) =>
    settled(`${address}'s invitation`, async () =>
      (await world.events(address)).find((e: AdminEvent) => e.iCalUId === iCalUId && !e.isCancelled),
    );
  const respond = async (address: string, eventId: string, response: 'accept' | 'decline') => {
    await h.admin(
      'POST',
      `/mailboxes/${encodeURIComponent(address)}/events/${encodeURIComponent(eventId)}/respond`,
      { response },
    );
    await world.settleInbound();
  };
  /** The step is settled when someone is awaited or a meeting is booked. */
  const next = (after: string) =>
    settled(`the step after ${after}`, async () => {
      const s = await state();
      if (s.status !== 'open') return s;
      if (s.stage.phase === 'booking' || s.stage.phase === 'sending') return undefined;
      if (s.stage.phase === 'meeting-booked') return s;
      return s.stage.awaiting ? s : undefined;
    });
  const advanceTo = async (at: Date | string) => {
    await driver.advanceTo(new Date(at));
    await runtime.worker.drain();
    await world.settleInbound();
  };
  const now = () => runtime.clock.now();

  /** Whether the stage is held with another tenant by email (a discussion or reassignment). */
  const emailedStage = (stageId: string) => {
    const def = procedure.stages.find((d) => d.id === stageId);
    return (
      !!def &&
      (def.channel === 'discussion' || def.channel === 'reassignment') &&
      def.with.some((p) => p.side === 'counterpart')
    );
  };

  /**
   * The booked meeting is on a host calendar inside the stage's timescale, High Importance, naming
   * the case, and every attendee has the invitation. Returns the organiser's copy and its calendar.
   */
  const checkMeeting = async (s: DisputeState) => {
    const meeting = s.stage.meeting;
    if (!meeting?.eventId || !meeting.start || !meeting.end) throw new Error('no meeting booked');
    const found = await organiserEvent(meeting.eventId);
    expect(found.event.subject).toContain(caseReference);
    expect(found.event.importance).toBe('high');
    expect(eventInstant(found.event.start).getTime()).toBeGreaterThanOrEqual(Date.parse(s.stage.startedAt));
    if (s.stage.due)
      expect(eventInstant(found.event.end).getTime()).toBeLessThanOrEqual(Date.parse(s.stage.due));
    const invitations: { address: string; event: AdminEvent }[] = [];
    for (const a of meeting.attendees)
      invitations.push({
        address: a.person.email,
        event: await invitation(a.person.email, found.event.iCalUId),
      });
    return { ...found, invitations };
  };

  /** Every attendee accepts, and the meeting is held (the clock passes its end). */
  const holdMeeting = async (s: DisputeState) => {
    const { invitations } = await checkMeeting(s);
    for (const i of invitations) await respond(i.address, i.event.id, 'accept');
    const end = s.stage.meeting?.end;
    if (!end) throw new Error('no meeting end');
    await advanceTo(new Date(Date.parse(end) + 60_000));
    return next(`${s.stage.id} meeting`);
  };

  /**
   * The other tenant has the stage's email (High Importance, the case and the issue), and answers on
   * the thread; the reply reaches whoever records the stage. Returns the email they answered.
   */
  const answerDiscussion = async (s: DisputeState, comment: string) => {
    const statement = await settled(`the ${s.stage.id} email's delivery`, async () =>
      (await state()).stage.thread.find((m) => m.kind === 'statement'),
    );
    const external = (await state()).participants.filter((p) => !inHost(p));
    const found = await settled(`the ${s.stage.id} email in another tenant`, async () => {
      for (const p of external) {
        const mail = (await disputeMail(p.email)).find(
          (m) => m.internetMessageId === statement.internetMessageId,
        );
        if (mail) return { person: p, mail };
      }
      return undefined;
    });
    expect(found.mail.importance).toBe('high');
    expect(found.mail.subject).toContain(caseReference);
    expect(found.mail.text).toContain(ISSUE);
    await reply(found.person.email, found.mail, comment);
    await settled(`the reply at ${s.stage.id} on the thread`, async () =>
      (await state()).stage.thread.some((m) => m.kind === 'reply') ? true : undefined,
    );
    return found;
  };

  /** One step of the main ladder, taken by whoever's step it is. */
  const step = async (s: DisputeState, policy: StepPolicy = {}): Promise<DisputeState> => {
    const stageId = s.stage.id;
    const resolving = stageId === policy.resolveAt;
    const phase = s.stage.phase;
    if (phase === 'meeting-booked') return holdMeeting(s);
    const by = s.stage.awaiting;
    if (!by) throw new Error(`nobody awaited at ${stageId} ${phase}`);
    expect(inHost(by)).toBe(true);
    await cardTo(by.id, `a card at ${stageId}`, () => true);
    switch (phase) {
      case 'awaiting-decision':
        await act({ type: 'decision', by, choice: 'escalate' });
        break;
      case 'informal-contact':
        await act({ type: 'informal-outcome', by, resolved: resolving, summary: 'Spoken to informally.' });
        break;
      case 'awaiting-owner':
        await act(
          resolving
            ? { type: 'resolved', by, summary: 'Authorised: resolved.' }
            : { type: 'decision', by, choice: 'escalate' },
        );
        break;
      case 'awaiting-outcome': {
        const external = s.participants.some(
          (p) => !inHost(p) && p.organisationId === s.counterpartOrganisationId,
        );
        const counterpartExternal = !hostOrgs.has(s.counterpartOrganisationId);
        if (
          emailedStage(stageId) &&
          counterpartExternal &&
          !s.stage.thread.some((m) => m.kind === 'reply') &&
          external
        )
          await answerDiscussion(s, `Our response at ${stageId}: we will reply in writing.`);
        const held = s.stage.meeting?.status === 'held';
        // Where outcomes return to the owner (IRO), the owner resolves; the responder says whether it is agreed.
        await act({
          type: 'outcome-recorded',
          by,
          resolved: resolving,
          summary: resolving
            ? 'Agreed: a joint strategy discussion on 20 January.'
            : 'Not agreed at this stage.',
          ...(held ? { minutes: 'Minutes: positions heard; see the outcome.' } : {}),
        });
        break;
      }
      default:
        throw new Error(`unexpected phase ${phase} at ${stageId}`);
    }
    return next(`${stageId} ${phase}`);
  };

  /** Walks the main ladder (nothing agreed) until `until` holds. */
  const walkTo = async (until: (s: DisputeState) => boolean, policy: StepPolicy = {}) => {
    let s = await next('now');
    for (let guard = 0; guard < 60; guard++) {
      if (until(s)) return s;
      if (s.status !== 'open') throw new Error(`the dispute ended (${s.status}) before the walk's end`);
      s = await step(s, policy);
    }
    throw new Error('the walk did not arrive');
  };

  const raise = async (o: RaiseOptions) => {
    if (o.caseReference) caseReference = o.caseReference;
    await act({
      type: 'raised',
      disputeId: id,
      by: world.person(o.raiser),
      immediateRiskChecked: true,
      caseReference,
      raisingOrganisationId: o.raising,
      counterpartOrganisationId: o.counterpart,
      category: o.category ?? procedure.categories[0]?.id ?? 'other',
      ...(o.urgency ? { urgency: o.urgency } : {}),
      ...raiseConfirmations(procedure, o.about),
      details: {
        issue: ISSUE,
        informalAttempts: 'Discussed by telephone on 8 January 2027; no agreement.',
        resolutionSought: 'A joint strategy discussion within five working days.',
      },
    });
    return next('raise');
  };

  /** The written confirmation of the outcome, in a party's inbox. */
  const writtenConfirmationTo = (address: string) =>
    mailTo(address, 'the written confirmation', (m) => /written confirmation/i.test(m.subject));

  const exported = async () => {
    const e = await loadDisputeExport(runtime.store, id);
    if (!e) throw new Error('no export');
    return e;
  };
  /** The exported case file (what goes on the child's or adult's file), as its text. */
  const caseFileText = async () => {
    const e = await exported();
    return textOf(
      caseFileOf({
        state: e.dispute.state,
        procedure,
        records: e.records.map((r) => r.entry),
        timeline: e.timeline,
        effects: e.effects,
        exportedAt: now().toISOString(),
      }),
    );
  };

  return {
    id,
    get caseReference() {
      return caseReference;
    },
    world,
    procedure,
    inHost,
    person: (personId: string) => world.person(personId),
    state,
    settled,
    act,
    tryAct,
    disputeMail,
    mailTo,
    cardTo,
    cardTexts,
    reply,
    click,
    clickOn,
    openCard,
    respond,
    organiserEvent,
    invitation,
    checkMeeting,
    holdMeeting,
    answerDiscussion,
    next,
    step,
    walkTo,
    raise,
    advanceTo,
    now,
    writtenConfirmationTo,
    exported,
    caseFileText,
    close: () => world.close(),
  };
}

/** The text of a record entry line as the export keeps it, for assertions on the exported record. */
export function recordKinds(e: Awaited<ReturnType<Journey['exported']>>): string[] {
  return e.records.map((r) => r.entry.kind ?? 'legacy');
}

/**
 * One journey per test: the returned `open()` starts a sample's app at Monday 11 January 2027,
 * 09:30, and the journey is closed after each test (call at the top of a test file).
 */
export function journeyPerTest(options: JourneyOptions): () => Promise<Journey> {
  let j: Journey | undefined;
  afterEach(async () => {
    const open = j;
    j = undefined;
    if (!open) return;
    try {
      // Issue 10: no journey's dispute is parked, nor has an effect still failing (one a retry has
      // not yet mended would park later). Either is something the product set aside.
      const stuck = await open.world.app.runtime.store.db
        .selectFrom('outbox')
        .select(['type', 'status', 'last_error'])
        .where('dispute_id', '=', open.id)
        .where('status', '!=', 'done')
        .where('last_error', 'is not', null)
        .execute();
      expect(stuck.map((r) => `${r.type} ${r.status}: ${r.last_error}`)).toEqual([]);
    } finally {
      await open.close();
    }
  }, 30_000);
  return async () => {
    j = await openJourney(options);
    await j.advanceTo('2027-01-11T09:30:00.000Z');
    return j;
  };
}

/**
 * ANE's Stage 1 from a raised dispute: the Team Manager sends it, and the email is returned as the
 * Gateshead Team Manager received it (High Importance, on the thread the dispute records).
 */
export async function aneStageOne(w: Journey): Promise<AdminMail> {
  const s = await w.next('raise');
  expect(s.stage.phase).toBe('awaiting-decision');
  expect(s.stage.awaiting?.id).toBe('ane-team-manager');
  await w.act({ type: 'decision', by: w.person('ane-team-manager'), choice: 'escalate' });
  const statement = await w.settled('the Stage 1 email', async () => {
    const x = await w.state();
    return x.stage.phase === 'awaiting-response'
      ? x.stage.thread.find((m) => m.kind === 'statement')
      : undefined;
  });
  const mail = await w.mailTo(
    'team.manager@gateshead.example',
    'the Stage 1 email',
    (m) => m.internetMessageId === statement.internetMessageId,
  );
  expect(mail.importance).toBe('high');
  return mail;
}
