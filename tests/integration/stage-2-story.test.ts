/**
 * Issue 12: "Each stage's email carries the story so far". The Stage 2 email, as the other agency's
 * Service Manager finds it in their own mailbox, says what happened at Stage 1: who answered, when,
 * what they wrote, and why it was not agreed. Through `createApp`, the real Graph mail adapter and
 * webhook, and the local Microsoft 365 (the counterpart replies on the thread in the emulator).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { refusalText } from '../../src/cards/wording/refusals.ts';
import type { DisputeEvent, DisputeState } from '../../src/domain/dispute/types.ts';
import { DISPUTE_HEADER } from '../../src/graph/ids.ts';
import { type AdminMail, type ConcordApp, startConcordApp } from '../support/concord-app.ts';
import { eventually } from '../support/wait.ts';

/** Monday 11 January 2027, 09:30 London. */
const T0 = '2027-01-11T09:30:00.000Z';
const ANSWER = 'Actions: the report will be completed by 22 January 2027 (owner: Team Manager, Gateshead).';
const WHY_NOT = 'The date does not meet the matching panel on 19 January.';

let world: ConcordApp | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
}, 30_000);

describe('the Stage 2 email tells the other agency what happened at Stage 1', () => {
  it("in the Gateshead Service Manager's inbox: Stage 1's answer, quoted, and why it was not agreed", async () => {
    world = await startConcordApp();
    const w = world;
    const runtime = w.app.runtime;
    const driver = runtime.driver;
    if (!driver) throw new Error('no test clock');
    const id = randomUUID();
    const tm = w.person('ane-team-manager');
    const sm = w.person('ane-service-manager');
    const gTm = w.person('gateshead-team-manager');
    const gSm = w.person('gateshead-service-manager');

    const settled = <T>(what: string, probe: () => Promise<T | undefined>) =>
      eventually(
        what,
        async () => {
          await runtime.worker.drain();
          await w.settleInbound();
          return probe();
        },
        { timeoutMs: 30_000 },
      );
    const act = async (event: DisputeEvent) => {
      const result = await runtime.service.applyEvent(id, event, {
        source: 'teams',
        ...(event.type === 'raised' ? { procedureId: 'ane' } : {}),
      });
      if (!result.ok) throw new Error(`${event.type} refused: ${refusalText(result.refusal)}`);
      await runtime.worker.drain();
    };
    const mailTo = (address: string, match: (m: AdminMail) => boolean, what: string) =>
      settled(what, async () =>
        (await w.messages(address, 'inbox')).find(
          (m) =>
            m.internetMessageHeaders.some((h) => h.name.toLowerCase() === DISPUTE_HEADER && h.value === id) &&
            match(m),
        ),
      );
    const phase = (p: DisputeState['stage']['phase'], stageId: string) =>
      settled(`${stageId} at ${p}`, async () => {
        const s = await runtime.service.get(id);
        return s?.stage.id === stageId && s.stage.phase === p ? s : undefined;
      });

    await driver.advanceTo(new Date(T0));
    await act({
      type: 'raised',
      disputeId: id,
      by: w.person('ane-practitioner'),
      immediateRiskChecked: true,
      caseReference: 'ANE-2027-0101',
      raisingOrganisationId: 'ane',
      counterpartOrganisationId: 'gateshead',
      category: 'incomplete-documentation',
      details: {
        issue: 'The child permanence report is incomplete, which delays matching.',
        informalAttempts: 'Raised with the allocated social worker on 4 January 2027; no date given.',
        resolutionSought: 'A completed report within ten working days.',
      },
    });
    await act({ type: 'decision', by: tm, choice: 'escalate' });
    const stage1 = await mailTo(gTm.email, (m) => /Stage 1/.test(m.subject), 'the Stage 1 email');
    expect(stage1.text).not.toContain('What has happened so far');

    // Gateshead's Team Manager answers on the thread in their own mailbox, on Tuesday 12 January.
    await driver.advanceTo(new Date('2027-01-12T11:00:00.000Z'));
    await w.h.admin(
      'POST',
      `/mailboxes/${encodeURIComponent(gTm.email)}/messages/${encodeURIComponent(stage1.id)}/reply`,
      { comment: ANSWER },
    );
    await phase('awaiting-acknowledgement', 'stage-1');
    await act({ type: 'acknowledged', by: tm, agreed: false, note: WHY_NOT });
    await act({ type: 'decision', by: sm, choice: 'escalate' });

    const stage2 = await mailTo(gSm.email, (m) => /Stage 2/.test(m.subject), 'the Stage 2 email');
    expect(stage2.importance).toBe('high');
    const text = stage2.text.replace(/\s+/g, ' ');
    const story = text.slice(text.indexOf('What has happened so far:'));
    expect(text).toContain('What has happened so far:');
    // Who answered, on which day (in words), their words, and why it was not agreed.
    expect(story).toMatch(/Stage 1\b/);
    // By name, as the directory has them, not by address.
    expect(story).toContain(`Team Manager, Gateshead answered on Tuesday 12 January 2027: “${ANSWER}”`);
    expect(story).not.toContain('team.manager@gateshead.example answered');
    expect(story).toContain(`It was not agreed: ${WHY_NOT}`);
    // The story is in what Outlook shows too (the HTML body), escaped as text.
    expect(stage2.body.content).toContain('What has happened so far:');
    expect(stage2.body.content).toContain('It was not agreed: The date does not meet the matching panel');
    // The Stage 2 email is not Stage 1's again: its subject and request are Stage 2's own.
    expect(stage2.subject).not.toMatch(/Stage 1/);
    expect(stage2.internetMessageId).not.toBe(stage1.internetMessageId);
  }, 120_000);
});
