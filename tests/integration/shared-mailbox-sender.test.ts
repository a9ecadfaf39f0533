/**
 * An organisation whose directory entry says `sendFrom: "shared-mailbox"` (DESIGN: "or from a
 * configured shared mailbox with that manager copied"), through `createApp`, the real adapters, the
 * emulator and the test clock: the Stage 1 email goes from ANE's shared mailbox with the Team Manager
 * copied, the other agency's reply to it is tracked, and the acknowledgement goes on the same thread
 * from the same mailbox.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aneStageOne, journeyPerTest } from '../support/journey.ts';

const SHARED = 'disputes@ane.example';
const TM = 'ane-team-manager';
const GATESHEAD_TM = 'team.manager@gateshead.example';

/** The ANE sample, with ANE sending from its shared mailbox. */
function directorySendingFromShared(): string {
  const d = JSON.parse(readFileSync('directory/sample-ane.json', 'utf8')) as {
    organisations: { id: string; sharedMailbox?: string; sendFrom?: string }[];
  };
  const ane = d.organisations.find((o) => o.id === 'ane');
  if (ane?.sharedMailbox !== SHARED) throw new Error('the ANE sample has no shared mailbox');
  ane.sendFrom = 'shared-mailbox';
  const file = join(mkdtempSync(join(tmpdir(), 'concord-shared-')), 'ane-shared-mailbox.json');
  writeFileSync(file, JSON.stringify(d, null, 2));
  return file;
}

const open = journeyPerTest({
  sample: 'ane',
  procedureId: 'ane',
  directoryFile: directorySendingFromShared(),
});

describe('an organisation that sends from its shared mailbox', () => {
  it('sends Stage 1 from the shared mailbox with the Team Manager copied, tracks the reply and acknowledges on the thread', async () => {
    const w = await open();
    await w.raise({ raiser: 'ane-practitioner', raising: 'ane', counterpart: 'gateshead' });
    const mail = await aneStageOne(w);
    expect(mail.from?.emailAddress.address).toBe(SHARED);
    expect(mail.ccRecipients?.map((r) => r.emailAddress.address)).toContain('team.manager@ane.example');

    await w.reply(GATESHEAD_TM, mail, 'We will not change the plan: the placement is stable.');
    await w.settled('the reply', async () =>
      (await w.state()).stage.phase === 'awaiting-acknowledgement' ? true : undefined,
    );
    await w.cardTo(TM, 'the review-reply card', (t) => t.includes('the placement is stable'));
    await w.act({ type: 'acknowledged', by: w.person(TM), agreed: false });
    const ack = await w.mailTo(GATESHEAD_TM, 'the acknowledgement', (m) => /not agreed/.test(m.text));
    expect(ack.conversationId).toBe(mail.conversationId);
    expect(ack.from?.emailAddress.address).toBe(SHARED);
  }, 90_000);
});
