/**
 * One dispute walked from raise to resolution in a sample partnership, through `createApp` and the
 * local Microsoft 365 with the test clock, collecting what people are shown: every card delivered
 * to a Teams chat and every email that reached a mailbox. Whoever's step it is takes it as the bot
 * would (`applyEvent` with `source: 'teams'`); people in another tenant act in the emulator (they
 * reply on the thread and accept invitations). The raise form comes from the bot itself (the chat
 * wizard, as the practitioner opens it).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { refusalText } from '../../src/cards/wording/refusals.ts';
import type { DisputeEvent, DisputeState, PersonRef } from '../../src/domain/dispute/types.ts';
import { DISPUTE_HEADER } from '../../src/graph/ids.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import { createHarness, openWizard } from '../../tests/bot/harness.ts';
import { raiseConfirmations } from '../../tests/domain/dispute/fixtures.ts';
import { type AdminMail, startConcordApp } from '../../tests/support/concord-app.ts';
import { eventually } from '../../tests/support/wait.ts';

export interface JourneySpec {
  /** The file name stem: ane, dudley, iro, nel, solihull. */
  readonly sample: string;
  readonly procedureId: string;
  readonly raiser: string;
  readonly raising: string;
  readonly counterpart: string;
  readonly urgency?: string;
  readonly category?: string;
}

export const JOURNEYS: readonly JourneySpec[] = [
  {
    sample: 'ane',
    procedureId: 'ane',
    raiser: 'ane-practitioner',
    raising: 'ane',
    counterpart: 'gateshead',
    category: 'incomplete-documentation',
  },
  {
    sample: 'dudley',
    procedureId: 'dudley-dscb',
    raiser: 'dudley-council-social-worker',
    raising: 'dudley-council',
    counterpart: 'dudley-police',
    urgency: 'longer-period',
  },
  {
    sample: 'iro',
    procedureId: 'iro-drp',
    raiser: 'northborough-cssu-iro',
    raising: 'northborough-cssu',
    counterpart: 'northborough-csc',
  },
  {
    sample: 'nel',
    procedureId: 'nel-lscb-sab',
    raiser: 'nel-childrens-practitioner',
    raising: 'nel-childrens',
    counterpart: 'nel-health',
  },
  {
    sample: 'solihull',
    procedureId: 'solihull-ssab',
    raiser: 'solihull-adults-staff-member',
    raising: 'solihull-adults',
    counterpart: 'solihull-health',
  },
];

/** A message as the admin API shows it, with its HTML body as Graph returns it. */
export type ShownMail = AdminMail & { readonly html: string };

export interface SeenCard {
  readonly personId: string;
  readonly card: Record<string, unknown>;
}

export interface Seen {
  /** The raise form, as the practitioner first sees it. */
  readonly raise: Record<string, unknown> | null;
  /** Every card posted to a chat, in order. */
  readonly cards: readonly SeenCard[];
  /** Every email for the dispute that reached an inbox (one copy of each), with its HTML body. */
  readonly emails: readonly ShownMail[];
}

/** Monday 11 January 2027, 09:30 London. */
const T0 = '2027-01-11T09:30:00.000Z';

const DETAILS = {
  issue:
    'The agencies disagree about whether the threshold for a strategy discussion is met after the second missed health appointment.',
  informalAttempts:
    'Discussed by telephone with the other worker on 8 January 2027; no agreement was reached.',
  resolutionSought: 'A joint strategy discussion within five working days, with both agencies present.',
};

interface DirectoryFile {
  organisations: { id: string; tenant: 'host' | 'external' }[];
  people: { id: string; email: string; organisation: string }[];
}

async function raiseForm(directory: string): Promise<Record<string, unknown> | null> {
  const h = await createHarness({ directory });
  try {
    return (await openWizard(h, 'practitioner', { about: 'child' })).card;
  } finally {
    await h.close();
  }
}

export async function walk(spec: JourneySpec, log: (line: string) => void): Promise<Seen> {
  const directoryFile = `directory/sample-${spec.sample}.json`;
  const raise = await raiseForm(directoryFile);
  const directory = JSON.parse(readFileSync(directoryFile, 'utf8')) as DirectoryFile;
  const hostOrgs = new Set(directory.organisations.filter((o) => o.tenant === 'host').map((o) => o.id));
  const procedure = getProcedure(spec.procedureId);
  if (!procedure) throw new Error(`no procedure ${spec.procedureId}`);
  const lastStage = procedure.stages.at(-1)?.id;
  const w = await startConcordApp({ directory: directoryFile });
  try {
    const runtime = w.app.runtime;
    const driver = runtime.driver;
    if (!driver) throw new Error('no test clock');
    const id = randomUUID();
    const caseReference = `${spec.sample.toUpperCase()}-2027-0042`;
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
        ...(event.type === 'raised' ? { procedureId: spec.procedureId } : {}),
      });
      if (!result.ok) throw new Error(`${event.type} refused: ${refusalText(result.refusal)}`);
      await runtime.worker.drain();
    };
    const ours = (m: AdminMail) =>
      m.internetMessageHeaders.some((hd) => hd.name.toLowerCase() === DISPUTE_HEADER && hd.value === id);
    const inbox = async (address: string) => (await w.messages(address, 'inbox')).filter(ours);
    const nextStep = () =>
      settled('the next step', async () => {
        const s = await state();
        if (s.status !== 'open') return s;
        if (s.stage.phase === 'booking' || s.stage.phase === 'sending') return undefined;
        if (s.stage.phase === 'meeting-booked' || s.stage.phase === 'awaiting-response') return s;
        return s.stage.awaiting ? s : undefined;
      });
    const external = (s: DisputeState) => s.participants.filter((p) => !hostOrgs.has(p.organisationId));

    await driver.advanceTo(new Date(T0));
    await act({
      type: 'raised',
      disputeId: id,
      by: w.person(spec.raiser),
      immediateRiskChecked: true,
      caseReference,
      raisingOrganisationId: spec.raising,
      counterpartOrganisationId: spec.counterpart,
      category: spec.category ?? procedure.categories[0]?.id ?? 'other',
      ...(spec.urgency ? { urgency: spec.urgency } : {}),
      ...raiseConfirmations(procedure),
      details: DETAILS,
    });

    const invitations = new Map<string, AdminMail>();
    let s = await nextStep();
    for (let guard = 0; guard < 60 && s.status === 'open'; guard++) {
      const stageId = s.stage.id;
      const phase = s.stage.phase;
      const by: PersonRef | null = s.stage.awaiting ?? null;
      const last = stageId === lastStage;
      log(`  ${stageId} ${phase}${by ? ` (${by.name})` : ''}`);
      if (phase === 'meeting-booked') {
        const meeting = s.stage.meeting;
        if (!meeting?.end) throw new Error('no meeting booked');
        // The invitation as the other agency finds it, kept before they answer it (Outlook then removes it).
        for (const a of meeting.attendees.filter((x) => !hostOrgs.has(x.person.organisationId))) {
          const request = (await w.messages(a.person.email, 'inbox')).find(
            (m) => /eventMessageRequest/.test(m['@odata.type'] ?? '') && m.subject.includes(caseReference),
          );
          if (request?.internetMessageId && !invitations.has(request.internetMessageId))
            invitations.set(request.internetMessageId, request);
        }
        for (const a of meeting.attendees) {
          const copy = await settled(`${a.person.email}'s invitation`, async () =>
            (await w.events(a.person.email)).find(
              (e) => e.subject.includes(caseReference) && !e.isCancelled && !e.isOrganizer,
            ),
          ).catch(() => undefined);
          if (copy)
            await w.h.admin(
              'POST',
              `/mailboxes/${encodeURIComponent(a.person.email)}/events/${encodeURIComponent(copy.id)}/respond`,
              { response: 'accept' },
            );
        }
        await w.settleInbound();
        await driver.advanceTo(new Date(Date.parse(meeting.end) + 60_000));
        s = await nextStep();
        continue;
      }
      if (phase === 'awaiting-response') {
        // The other agency answers on the thread, from their own mailbox.
        const statement = s.stage.thread.find((m) => m.kind === 'statement');
        const found = await settled(`the ${stageId} email in another tenant`, async () => {
          for (const p of external(s)) {
            const mail = (await inbox(p.email)).find(
              (m) => m.internetMessageId === statement?.internetMessageId,
            );
            if (mail) return { p, mail };
          }
          return undefined;
        });
        await w.h.admin(
          'POST',
          `/mailboxes/${encodeURIComponent(found.p.email)}/messages/${encodeURIComponent(found.mail.id)}/reply`,
          {
            comment:
              'We will complete our review of the case by 22 January 2027 and send it to you (owner: our Team Manager).',
          },
        );
        await settled(`the reply at ${stageId}`, async () =>
          (await state()).stage.phase !== 'awaiting-response' ? true : undefined,
        );
        s = await nextStep();
        continue;
      }
      if (!by) throw new Error(`nobody awaited at ${stageId} ${phase}`);
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
              ? { type: 'resolved', by, summary: 'Authorised as resolved: the plan is amended.' }
              : { type: 'decision', by, choice: 'escalate' },
          );
          break;
        case 'awaiting-acknowledgement':
          await act(
            last
              ? {
                  type: 'acknowledged',
                  by,
                  agreed: true,
                  note: 'Agreed: the review by 22 January meets the need.',
                }
              : {
                  type: 'acknowledged',
                  by,
                  agreed: false,
                  note: 'A review on 22 January is too late for the child protection conference on 18 January.',
                },
          );
          break;
        case 'awaiting-outcome': {
          const stageDef = procedure.stages.find((d) => d.id === stageId);
          const emailed =
            !!stageDef &&
            (stageDef.channel === 'discussion' || stageDef.channel === 'reassignment') &&
            stageDef.with.some((p) => p.side === 'counterpart') &&
            !hostOrgs.has(spec.counterpart);
          if (emailed && !s.stage.thread.some((m) => m.kind === 'reply')) {
            const statement = await settled(`the ${stageId} email's delivery`, async () =>
              (await state()).stage.thread.find((m) => m.kind === 'statement'),
            ).catch(() => undefined);
            if (statement) {
              const found = await settled(`the ${stageId} email in another tenant`, async () => {
                for (const p of external(s)) {
                  const mail = (await inbox(p.email)).find(
                    (m) => m.internetMessageId === statement.internetMessageId,
                  );
                  if (mail) return { p, mail };
                }
                return undefined;
              });
              await w.h.admin(
                'POST',
                `/mailboxes/${encodeURIComponent(found.p.email)}/messages/${encodeURIComponent(found.mail.id)}/reply`,
                {
                  comment:
                    'We have looked again: we still think the threshold is not met, and will say why at the next stage.',
                },
              );
              await settled(`the reply at ${stageId}`, async () =>
                (await state()).stage.thread.some((m) => m.kind === 'reply') ? true : undefined,
              );
            }
          }
          const held = s.stage.meeting?.status === 'held';
          await act({
            type: 'outcome-recorded',
            by,
            resolved: last,
            summary: last
              ? 'Agreed: a joint strategy discussion on Wednesday 20 January 2027, chaired by the Police.'
              : 'Not agreed at this stage: each agency keeps its view of the threshold.',
            ...(held
              ? { minutes: 'Both agencies set out their view of the threshold; the chronology was reviewed.' }
              : {}),
          });
          break;
        }
        default:
          throw new Error(`unexpected phase ${phase} at ${stageId}`);
      }
      s = await nextStep();
    }
    log(`  ${s.status}`);
    // Let the written confirmation and last cards go out: every effect of the dispute done (a
    // send that failed once is retried after a real-time backoff, which one drain does not wait for).
    await settled("the dispute's outbox to empty", async () => {
      const pending = await runtime.store.db
        .selectFrom('outbox')
        .select('key')
        .where('dispute_id', '=', id)
        .where('status', '=', 'pending')
        .execute();
      return pending.length === 0 ? true : undefined;
    });
    const emails = new Map<string, AdminMail>(invitations);
    const owners = new Map<string, string>();
    for (const [key, m] of invitations) owners.set(key, m.toRecipients[0]?.emailAddress.address ?? '');
    for (const p of directory.people)
      for (const m of await inbox(p.email))
        if (m.internetMessageId && !emails.has(m.internetMessageId)) {
          emails.set(m.internetMessageId, m);
          owners.set(m.internetMessageId, p.email);
        }
    // The HTML body as Outlook has it (the admin API shows text), read through Graph.
    const withHtml: ShownMail[] = [];
    for (const [key, m] of emails) {
      // The sender's copy (the host tenant's Graph reads only its own tenant's mailboxes).
      const owner = m.from?.emailAddress.address ?? owners.get(key) ?? '';
      const invitation = /eventMessage/.test(m['@odata.type'] ?? '');
      const html = invitation
        ? await w.h.graph.api
            .api(`/users/${owner}/events`)
            .select('subject,body')
            .get()
            .then(
              (r: { value?: { subject?: string; body?: { content?: string } }[] }) =>
                r.value?.find((e) => e.subject === m.subject)?.body?.content ?? '',
            )
            .catch(() => '')
        : await w.h.graph.api
            .api(`/users/${owner}/messages`)
            .filter(`internetMessageId eq '${key.replace(/'/g, "''")}'`)
            .select('body')
            .get()
            .then((r: { value?: { body?: { content?: string } }[] }) => r.value?.[0]?.body?.content ?? '')
            .catch((e: unknown) => {
              console.log(`  (no HTML body for ${m.subject}: ${String(e).slice(0, 200)})`);
              return '';
            });
      withHtml.push({
        ...m,
        html: html || `<pre>${m.text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre>`,
      });
    }
    const cards = w.connector
      .cards()
      .filter((c) => c.method === 'POST')
      .map((c) => ({ personId: c.personId, card: c.card }));
    return { raise, cards, emails: withHtml };
  } finally {
    await w.close();
  }
}
