/**
 * Cards that grow with what a person has: "my disputes" for a manager with a year of disputes, and
 * a dispute whose record runs long. Teams refuses a bot message over its size limit (413
 * MessageSizeTooBig, as the stand-in Bot Connector does past 80 KB), and the person would get no card
 * at all; these cards show the first part and say the Disputes tab has the rest. And a reply from
 * the other agency as long as Concord keeps it: the manager's review card is shortened to fit
 * (src/cards/fit.ts); without that the card was refused and never arrived.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DisputeEvent } from '../../src/domain/dispute/types.ts';
import { writeRecordEntry } from '../../src/store/operations/index.ts';
import { textOf } from '../bot/harness.ts';
import { type ConcordApp, clickAs, startConcordApp } from '../support/concord-app.ts';
import { eventually } from '../support/wait.ts';

let world: ConcordApp | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
}, 30_000);

/** Raises `count` ANE disputes by the practitioner; returns their ids, oldest first. */
async function raiseMany(w: ConcordApp, count: number): Promise<string[]> {
  const by = w.person('ane-practitioner');
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `long-list-${String(i).padStart(3, '0')}`;
    const raised: DisputeEvent = {
      type: 'raised',
      disputeId: id,
      by,
      immediateRiskChecked: true,
      caseReference: `ANE-2026-${String(100 + i)}`,
      raisingOrganisationId: by.organisationId,
      counterpartOrganisationId: 'gateshead',
      category: 'drift-and-delay',
      details: {
        issue: 'Transition plan not agreed.',
        informalAttempts: 'Two calls with the allocated social worker.',
        resolutionSought: 'A date for the transition plan.',
      },
    };
    const result = await w.app.runtime.service.applyEvent(id, raised, {
      source: 'teams',
      procedureId: 'ane',
    });
    if (!result.ok) throw new Error(result.refusal.reason);
    ids.push(id);
    // A minute apart, as disputes raised one after another are.
    await w.app.runtime.driver?.advanceTo(new Date(w.app.runtime.clock.now().getTime() + 60_000));
  }
  return ids;
}

/** Clicks `verb` as the practitioner and returns the text of the card it brings into their chat. */
async function cardAfter(w: ConcordApp, verb: string, data: Record<string, unknown>, marker: string) {
  const before = w.connector.deliveriesTo('ane-practitioner').length;
  await clickAs(w, 'ane-practitioner', verb, data);
  const card = await eventually(`the card with “${marker}” in the chat`, async () =>
    w.connector
      .deliveriesTo('ane-practitioner')
      .slice(before)
      .find((c) => textOf(c.card).includes(marker)),
  );
  // Nothing was refused as too large on the way.
  expect(w.connector.refused).toEqual([]);
  return textOf(card.card);
}

describe('cards that grow with a person’s disputes or a dispute’s record', () => {
  it('"my disputes" for someone with 40 disputes arrives, lists 10 and points to the Disputes tab', async () => {
    world = await startConcordApp();
    const w = world;
    await raiseMany(w, 40);
    const text = await cardAfter(w, 'my-disputes', { disputeId: null, seq: 0 }, 'My disputes');
    expect(text).toContain('40 disputes');
    expect(text).toContain(
      'Showing 10 of 40: open ones first, then the newest. The Disputes tab lists them all.',
    );
    // The newest first: the last raised is on the card, the first is not.
    expect(text).toContain('ANE-2026-139');
    expect(text).not.toContain('ANE-2026-100');
  });

  it('a dispute with 152 record entries, 150 of them long, opens: its latest 15, shortened, and where the rest is', async () => {
    world = await startConcordApp();
    const w = world;
    const [id] = await raiseMany(w, 1);
    if (!id) throw new Error('no dispute');
    const state = await w.app.runtime.service.get(id);
    const reply = `The counterpart's reply: ${'an agreed action with its owner and its date; '.repeat(40)}`;
    for (let i = 0; i < 150; i++)
      await writeRecordEntry(w.app.runtime.store.db, {
        key: `long-record-${String(i).padStart(3, '0')}`,
        disputeId: id,
        // After the raise's own entries, in the order they were written.
        seq: 100 + i,
        entry: {
          at: new Date(Date.UTC(2026, 11, 1, 9, i)).toISOString(),
          stageId: state?.stage.id ?? 'informal',
          stageName: 'Informal Resolution',
          contactType: 'card',
          between: ['Practitioner, ANE'],
          kind: 'note-recorded',
          params: { label: `Note ${i + 1}`, by: 'Practitioner, ANE', quote: reply },
        },
      });
    const text = await cardAfter(w, 'open-dispute', { disputeId: id, seq: 0 }, 'Timeline');
    expect(text).toContain('The Disputes tab shows the whole record.');
    expect(text).toContain('recorded: Note 150 ');
    expect(text).toContain('recorded: Note 136 ');
    expect(text).not.toContain('recorded: Note 135 ');
    expect(text).toContain('The latest 15 of 152 entries are shown here. Long entries are shortened here.');
  });

  it('a reply of 20,000 markdown characters reaches the Team Manager’s review card, shortened to fit, with the buttons', async () => {
    world = await startConcordApp();
    const w = world;
    const [id] = await raiseMany(w, 1);
    if (!id) throw new Error('no dispute');
    const tm = w.person('ane-team-manager');
    const escalated = await w.app.runtime.service.applyEvent(
      id,
      { type: 'decision', by: tm, choice: 'escalate' },
      { source: 'teams' },
    );
    if (!escalated.ok) throw new Error(escalated.refusal.reason);
    // The Stage 1 statement goes out through Graph; then the other agency answers, at length.
    const counterpart = w.person('gateshead-team-manager');
    const sent = await eventually('the Stage 1 statement sent', async () => {
      const state = await w.app.runtime.service.get(id);
      return state?.stage.phase === 'awaiting-response' ? state : undefined;
    });
    const statement = sent.stage.thread.find((m) => m.kind === 'statement');
    const before = w.connector.deliveriesTo(tm.id).length;
    const replied = await w.app.runtime.service.applyEvent(
      id,
      {
        type: 'reply-received',
        internetMessageId: '<long-reply@gateshead.example>',
        ...(statement?.internetMessageId ? { inReplyTo: [statement.internetMessageId] } : {}),
        fromEmail: counterpart.email,
        text: `We do not agree. ${'*'.repeat(20_000)}`,
      },
      { source: 'email' },
    );
    if (!replied.ok) throw new Error(replied.refusal.reason);
    const card = await eventually('the review card in the Team Manager’s chat', async () =>
      w.connector
        .deliveriesTo(tm.id)
        .slice(before)
        .find((c) => textOf(c.card).includes('We do not agree.')),
    );
    expect(w.connector.refused).toEqual([]);
    const text = textOf(card.card);
    expect(text).toContain('Some long text is shortened here so that Teams can show this card.');
    expect(text).toContain('Not agreed');
  });
});
