/**
 * Issue 10, "Done when": for each sample partnership, a journey through `createApp`, the real
 * adapters, the emulator and the test clock walks the main ladder from raise to close, asserting
 * what each person receives.
 *
 * The walk is driven by the dispute's own state, as the people in it would act: whoever's step it
 * is takes it in Teams (`applyEvent` with `source: 'teams'`, as the bot does); people in another
 * tenant act only through the emulator (they read their inbox, reply on the thread, answer the
 * invitation). At each stage the test checks that every party in another tenant received a High
 * Importance email or invitation naming the case and the stage, that every meeting sits on a
 * host-tenant calendar inside the stage's timescale with the right attendees, and at the end that
 * the written outcome reached every party and the exported record holds each stage.
 */

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { refusalText } from '../../src/cards/wording/refusals.ts';
import type { DisputeEvent, DisputeState, PersonRef } from '../../src/domain/dispute/types.ts';
import { DISPUTE_HEADER } from '../../src/graph/ids.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import { loadDisputeExport } from '../../src/store/index.ts';
import { listParkedEffects } from '../../src/store/queries/parked-effects.ts';
import { textOf } from '../bot/harness.ts';
import { raiseConfirmations } from '../domain/dispute/fixtures.ts';
import {
  type AdminEvent,
  type AdminMail,
  type ConcordApp,
  eventInstant,
  startConcordApp,
} from '../support/concord-app.ts';
import { eventually } from '../support/wait.ts';

interface Journey {
  readonly sample: string;
  readonly procedureId: string;
  readonly raiser: string;
  readonly raising: string;
  readonly counterpart: string;
  readonly urgency?: string;
  /** Stage ids the main ladder walks, in order; the dispute is resolved at the last. */
  readonly stages: readonly string[];
}

/** Monday 11 January 2027, 09:30 London. */
const T0 = '2027-01-11T09:30:00.000Z';

const JOURNEYS: readonly Journey[] = [
  {
    sample: 'dudley',
    procedureId: 'dudley-dscb',
    raiser: 'dudley-council-social-worker',
    raising: 'dudley-council',
    counterpart: 'dudley-police',
    urgency: 'longer-period',
    stages: ['stage-1', 'stage-2', 'stage-3a', 'stage-3b'],
  },
  {
    sample: 'nel',
    procedureId: 'nel-lscb-sab',
    raiser: 'nel-childrens-practitioner',
    raising: 'nel-childrens',
    counterpart: 'nel-health',
    stages: ['informal', 'stage-1', 'stage-2', 'stage-3', 'stage-4'],
  },
  {
    sample: 'solihull',
    procedureId: 'solihull-ssab',
    raiser: 'solihull-adults-staff-member',
    raising: 'solihull-adults',
    counterpart: 'solihull-health',
    stages: ['stage-1', 'stage-2', 'stage-3', 'stage-4'],
  },
  {
    sample: 'iro',
    procedureId: 'iro-drp',
    raiser: 'northborough-cssu-iro',
    raising: 'northborough-cssu',
    counterpart: 'northborough-csc',
    stages: ['stage-1', 'stage-2', 'stage-3', 'stage-4', 'stage-5', 'stage-6'],
  },
];

interface DirectoryFile {
  organisations: { id: string; tenant: 'host' | 'external' }[];
  people: { id: string; email: string; organisation: string }[];
}

let world: ConcordApp | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
}, 30_000);

describe('every procedure reaches the other agency, end to end', () => {
  it.each(JOURNEYS)(
    '$procedureId: raise to resolution with the $sample sample partnership',
    async (journey) => {
      const directoryFile = `directory/sample-${journey.sample}.json`;
      const directory = JSON.parse(readFileSync(directoryFile, 'utf8')) as DirectoryFile;
      const hostOrgs = new Set(directory.organisations.filter((o) => o.tenant === 'host').map((o) => o.id));
      const inHost = (p: PersonRef) => hostOrgs.has(p.organisationId);
      world = await startConcordApp({ directory: directoryFile });
      const w = world;
      const { app, h, connector } = w;
      const runtime = app.runtime;
      const driver = runtime.driver;
      if (!driver) throw new Error('no test clock');
      const id = randomUUID();
      const caseReference = `${journey.sample.toUpperCase()}-2027-0001`;

      const state = async (): Promise<DisputeState> => {
        const s = await runtime.service.get(id);
        if (!s) throw new Error('no dispute');
        return s;
      };
      const settled = <T>(what: string, probe: () => Promise<T | undefined>) =>
        eventually(
          what,
          async () => {
            await runtime.worker.drain();
            await w.settleInbound();
            return probe();
          },
          { timeoutMs: 60_000 },
        );
      const act = async (event: DisputeEvent) => {
        const result = await runtime.service.applyEvent(id, event, {
          source: 'teams',
          ...(event.type === 'raised' ? { procedureId: journey.procedureId } : {}),
        });
        if (!result.ok) throw new Error(`${event.type} refused: ${refusalText(result.refusal)}`);
        await runtime.worker.drain();
        return result.state;
      };
      const disputeMail = async (address: string): Promise<AdminMail[]> =>
        (await w.messages(address, 'inbox')).filter((m) =>
          m.internetMessageHeaders.some((hd) => hd.name.toLowerCase() === DISPUTE_HEADER && hd.value === id),
        );
      /** The organiser's copy of a meeting, on whichever host calendar holds it. */
      const organiserEvent = (eventId: string) =>
        settled(`event ${eventId} on a host calendar`, async () => {
          for (const p of directory.people.filter((q) => hostOrgs.has(q.organisation))) {
            const found = (await w.events(p.email)).find((e) => e.id === eventId && e.isOrganizer);
            if (found) return { event: found, calendar: p.email };
          }
          return undefined;
        });
      /** The step is settled when someone is awaited or a meeting is booked. */
      const nextStep = (after: string) =>
        settled(`the step after ${after}`, async () => {
          const s = await state();
          if (s.status !== 'open') return s;
          if (s.stage.phase === 'booking' || s.stage.phase === 'sending') return undefined;
          if (s.stage.phase === 'meeting-booked') return s;
          return s.stage.awaiting ? s : undefined;
        });

      await driver.advanceTo(new Date(T0));
      await act({
        type: 'raised',
        disputeId: id,
        by: w.person(journey.raiser),
        immediateRiskChecked: true,
        caseReference,
        raisingOrganisationId: journey.raising,
        counterpartOrganisationId: journey.counterpart,
        category: getProcedure(journey.procedureId)?.categories[0]?.id ?? 'other',
        ...(journey.urgency ? { urgency: journey.urgency } : {}),
        ...raiseConfirmations(getProcedure(journey.procedureId)!),
        details: {
          issue: 'The agencies disagree about whether the threshold for a strategy discussion is met.',
          informalAttempts: 'Discussed by telephone on 8 January 2027; no agreement.',
          resolutionSought: 'A joint strategy discussion within five working days.',
        },
      });

      const stagesSeen: string[] = [];
      const emailedStages: string[] = [];
      let s = await nextStep('raise');
      for (let guard = 0; guard < 60 && s.status === 'open'; guard++) {
        const stageId = s.stage.id;
        if (!stagesSeen.includes(stageId)) stagesSeen.push(stageId);
        const last = stageId === journey.stages.at(-1);
        const phase = s.stage.phase;
        const by = s.stage.awaiting;
        if (phase === 'meeting-booked') {
          const meeting = s.stage.meeting;
          if (!meeting?.eventId || !meeting.start || !meeting.end) throw new Error('no meeting booked');
          const { event } = await organiserEvent(meeting.eventId);
          expect(event.subject).toContain(caseReference);
          expect(event.importance).toBe('high');
          const start = eventInstant(event.start);
          expect(start.getTime()).toBeGreaterThanOrEqual(Date.parse(s.stage.startedAt));
          if (s.stage.due)
            expect(eventInstant(event.end).getTime()).toBeLessThanOrEqual(Date.parse(s.stage.due));
          // Every attendee has the invitation; those in another tenant answer it there.
          for (const a of meeting.attendees) {
            const copy = await settled(`${a.person.email}'s invitation to ${stageId}`, async () =>
              (await w.events(a.person.email)).find(
                (e: AdminEvent) => e.iCalUId === event.iCalUId && !e.isCancelled,
              ),
            );
            await h.admin(
              'POST',
              `/mailboxes/${encodeURIComponent(a.person.email)}/events/${encodeURIComponent(copy.id)}/respond`,
              { response: 'accept' },
            );
          }
          await w.settleInbound();
          await driver.advanceTo(new Date(Date.parse(meeting.end) + 60_000));
          s = await nextStep(`${stageId} meeting`);
          continue;
        }
        if (!by) throw new Error(`nobody awaited at ${stageId} ${phase}`);
        expect(inHost(by)).toBe(true);
        // Whoever's step it is has it in their Teams chat.
        await settled(`a card to ${by.id} at ${stageId}`, async () =>
          connector.cardsTo(by.id).find((c) => textOf(c.card).includes(caseReference)),
        );
        switch (phase) {
          case 'awaiting-decision':
            await act({ type: 'decision', by, choice: 'escalate' });
            break;
          case 'informal-contact':
            await act({
              type: 'informal-outcome',
              by,
              resolved: false,
              summary: 'Spoken to informally; no agreement.',
            });
            break;
          case 'awaiting-owner':
            await act(
              last
                ? { type: 'resolved', by, summary: 'Authorised: resolved.' }
                : { type: 'decision', by, choice: 'escalate' },
            );
            break;
          case 'awaiting-outcome': {
            // A stage held with another tenant by email: they have it, and answer on the thread.
            // The procedure says who the stage is with; the directory says whether they are in another tenant.
            const stageDef = getProcedure(journey.procedureId)?.stages.find((d) => d.id === stageId);
            const emailed =
              !!stageDef &&
              (stageDef.channel === 'discussion' || stageDef.channel === 'reassignment') &&
              stageDef.with.some((p) => p.side === 'counterpart') &&
              !hostOrgs.has(journey.counterpart);
            const statement = emailed
              ? await settled(`the ${stageId} email's delivery`, async () =>
                  (await state()).stage.thread.find((m) => m.kind === 'statement'),
                )
              : undefined;
            const external = s.participants.filter((p) => !inHost(p));
            if (statement && !s.stage.thread.some((m) => m.kind === 'reply')) {
              const recipients = await settled(`the ${stageId} email in another tenant`, async () => {
                const found: { person: PersonRef; mail: AdminMail }[] = [];
                for (const p of external) {
                  const mail = (await disputeMail(p.email)).find(
                    (m) => m.internetMessageId === statement.internetMessageId,
                  );
                  if (mail) found.push({ person: p, mail });
                }
                return found.length > 0 ? found : undefined;
              });
              const [first] = recipients;
              if (!first) throw new Error('no recipient');
              expect(first.mail.importance).toBe('high');
              expect(first.mail.subject).toContain(caseReference);
              expect(first.mail.text).toContain('The agencies disagree about whether the threshold');
              emailedStages.push(stageId);
              await h.admin(
                'POST',
                `/mailboxes/${encodeURIComponent(first.person.email)}/messages/${encodeURIComponent(first.mail.id)}/reply`,
                { comment: `Our response at ${stageId}: we will review the case file and reply in writing.` },
              );
              await settled(`the reply at ${stageId} on the thread`, async () =>
                (await state()).stage.thread.some((m) => m.kind === 'reply') ? true : undefined,
              );
              await settled(`the reply shown to ${by.id}`, async () =>
                connector
                  .deliveriesTo(by.id)
                  .find((c) => textOf(c.card).includes(`Our response at ${stageId}`)),
              );
            }
            const held = s.stage.meeting?.status === 'held';
            await act({
              type: 'outcome-recorded',
              by,
              resolved: last && (held || !s.stage.meeting || journey.procedureId !== 'iro-drp'),
              summary: last
                ? 'Agreed: a joint strategy discussion on 20 January.'
                : 'Not agreed at this stage.',
              ...(held ? { minutes: 'Minutes: positions heard; see the outcome.' } : {}),
            });
            break;
          }
          default:
            throw new Error(`unexpected phase ${phase} at ${stageId}`);
        }
        s = await nextStep(`${stageId} ${phase}`);
      }

      expect(s.status).toBe('resolved');
      expect(stagesSeen).toEqual(journey.stages);
      // Every stage that involved another tenant reached it.
      const finalState = await state();
      const externalParties = finalState.participants.filter((p) => !inHost(p));
      if (externalParties.length > 0) expect(emailedStages.length).toBeGreaterThan(0);
      // The written outcome reached everyone in the other agency who took part, in the host tenant
      // too (IRO: children's social care is in the council's own tenant), bar whoever sent it.
      const sender = finalState.stage.actor?.id;
      const otherAgency = finalState.participants.filter(
        (q) => q.organisationId === journey.counterpart && q.id !== sender,
      );
      expect(otherAgency.length).toBeGreaterThan(0);
      for (const p of otherAgency) {
        await settled(`the written outcome to ${p.email}`, async () =>
          (await disputeMail(p.email)).find((m) => /written confirmation/i.test(m.subject)),
        );
      }
      // The exported record holds every stage.
      const exported = await loadDisputeExport(runtime.store, id);
      const recordStages = new Set(exported?.records.map((r) => r.entry.stageId));
      for (const stageId of journey.stages) expect(recordStages.has(stageId)).toBe(true);
      // Nothing was set aside on the way: no effect of the dispute parked.
      expect((await listParkedEffects(runtime.store)).filter((p) => p.disputeId === id)).toEqual([]);
    },
    300_000,
  );
});
