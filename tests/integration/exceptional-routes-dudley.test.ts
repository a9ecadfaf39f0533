/**
 * Issue 10, "Done when": the Dudley DSCB procedure's exceptional routes, each through `createApp`,
 * the real adapters, the emulator and the test clock (tests/support/journey.ts), asserting what each
 * person receives. The main ladder is tests/integration/procedure-journeys.test.ts.
 *
 * Routes (seed 001): agreement reached at Stage 1 (the written outcome on the Stage 1 thread, the
 * debrief and the policy-gaps step); urgency-led timescales ("Some professional disagreements will
 * need to be resolved immediately"); the counterpart declining the Stage 3a meeting (re-booked);
 * "in exceptional circumstances, where the matter remains unresolved", the DSCB Independent Chair;
 * Stages 2 and 3a with a school ("the Head teacher/Principal will deal with this stage (as well as
 * stage 3)") and with a self-employed professional ("the safeguarding lead will deal with this stage
 * (as well as stage 3)").
 */

import { describe, expect, it } from 'vitest';
import { textOf } from '../bot/harness.ts';
import { journeyPerTest, plain, recordKinds } from '../support/journey.ts';

const RAISE = {
  raiser: 'dudley-council-social-worker',
  raising: 'dudley-council',
  counterpart: 'dudley-police',
} as const;
const SOCIAL_WORKER = 'dudley-council-social-worker';
const CONSTABLE = 'detective.constable@dudley-police.example';
const CHAIR = 'independent.chair@dscb.example';

const open = journeyPerTest({ sample: 'dudley', procedureId: 'dudley-dscb' });

describe('Dudley DSCB: the exceptional routes, end to end', () => {
  it('agreed at Stage 1: the written outcome goes to the police on the Stage 1 thread; the raiser is offered the debrief and the policy-gaps step', async () => {
    const w = await open();
    const s = await w.raise({ ...RAISE, urgency: 'longer-period' });
    expect(s.stage.id).toBe('stage-1');
    const { mail } = await w.answerDiscussion(s, 'We agree: a joint strategy discussion on 20 January.');
    expect(mail.toRecipients.map((r) => r.emailAddress.address)).toContain(CONSTABLE);
    await w.cardTo(SOCIAL_WORKER, 'the reply on the outcome card', (t) =>
      t.includes('We agree: a joint strategy'),
    );
    await w.act({
      type: 'outcome-recorded',
      by: w.person(SOCIAL_WORKER),
      resolved: true,
      summary: 'Agreed at Stage 1: a joint strategy discussion on 20 January.',
    });
    expect((await w.state()).status).toBe('resolved');
    const confirmation = await w.writtenConfirmationTo(CONSTABLE);
    expect(confirmation.importance).toBe('high');
    // On the right thread: the same conversation as the Stage 1 email.
    expect(confirmation.conversationId).toBe(mail.conversationId);
    expect(confirmation.text).toContain('Agreed at Stage 1');
    // After the resolution: the debrief, and gaps in policy to the Chair.
    await w.cardTo(SOCIAL_WORKER, 'the debrief card', (t) => t.includes('debrief following some disputes'));
    await w.cardTo(SOCIAL_WORKER, 'the policy-gaps card', (t) =>
      t.includes('gaps in policies and procedures'),
    );
    // The Chair is in another tenant: the social worker writes the gap, and the Chair receives it.
    const gap = 'The protocol does not say who convenes a strategy discussion out of hours.';
    const done = await w.clickOn(SOCIAL_WORKER, 'the policy-gaps card', 'send-after-resolution', {
      note: gap,
    });
    expect(plain(textOf(done))).toContain('Done: sent');
    const toChair = await w.mailTo(CHAIR, 'the gap in policy', (m) => m.text.includes(gap));
    expect(toChair.importance).toBe('high');
    expect(toChair.subject).toContain(w.caseReference);
    expect(toChair.text).toContain(
      'they must be brought to the attention of the Chair of Dudley Safeguarding Children Board',
    );
    const kinds = recordKinds(await w.exported());
    expect(kinds).toContain('after-resolution-sent');
    expect(kinds).toContain('reply-received');
    expect(kinds).toContain('resolved');
    expect(kinds).not.toContain('decided-escalate');
  }, 90_000);

  it('to be resolved immediately: Stage 1 is due within the hour, the email says so, and the raiser is told when it passes', async () => {
    const w = await open();
    const s = await w.raise({ ...RAISE, urgency: 'immediately' });
    expect(s.stage.due).toBe('2027-01-11T10:30:00.000Z');
    const statement = await w.settled('the Stage 1 email', async () =>
      (await w.state()).stage.thread.find((m) => m.kind === 'statement'),
    );
    const mail = await w.mailTo(
      CONSTABLE,
      'the Stage 1 email',
      (m) => m.internetMessageId === statement.internetMessageId,
    );
    expect(mail.importance).toBe('high');
    expect(mail.text).toContain('Please respond by 10:30 on Monday 11 January 2027 (within 1 hour).');
    await w.advanceTo('2027-01-11T10:31:00.000Z');
    await w.cardTo(SOCIAL_WORKER, 'the overdue card', (t) => t.includes('Stage 1 is overdue'));
    expect(recordKinds(await w.exported())).toContain('stage-overdue');
  }, 90_000);

  it('within 24 hours, unanswered: the practitioner chases from the overdue card; the police get the chase on the Stage 1 thread, and their reply reaches the outcome card', async () => {
    const w = await open();
    const s = await w.raise({ ...RAISE, urgency: 'within-24-hours' });
    // Monday 11 January, 09:30 + 24 hours.
    expect(s.stage.due).toBe('2027-01-12T09:30:00.000Z');
    const statement = await w.settled('the Stage 1 email', async () =>
      (await w.state()).stage.thread.find((m) => m.kind === 'statement'),
    );
    const first = await w.mailTo(
      CONSTABLE,
      'the Stage 1 email',
      (m) => m.internetMessageId === statement.internetMessageId,
    );
    expect(first.text).toContain('Please respond by 09:30 on Tuesday 12 January 2027 (within 24 hours).');
    await w.advanceTo('2027-01-12T09:31:00.000Z');
    // The button on the overdue card, clicked as Teams posts it.
    await w.clickOn(SOCIAL_WORKER, 'the overdue card with a chase', 'chase');
    const chase = await w.mailTo(
      CONSTABLE,
      'the chase',
      (m) => m.internetMessageId !== statement.internetMessageId,
    );
    expect(chase.importance).toBe('high');
    expect(chase.conversationId).toBe(first.conversationId);
    expect(chase.subject).toContain(w.caseReference);
    expect(chase.subject).toContain('Stage 1');
    expect(chase.text).toContain(
      'A response was due by 09:30 on Tuesday 12 January 2027 (within 24 hours) and has not been received.',
    );
    expect(chase.text).toContain('others within 24 hours');
    expect(chase.text).toContain('will advise the complainant agency of the outcome in writing');
    const overdue = w.cardTexts(SOCIAL_WORKER).find((t) => t.includes('no reply from'));
    expect(overdue).toContain('is overdue: no reply from');
    await w.cardTo(SOCIAL_WORKER, 'the chased card', (t) => t.includes('on the same email thread'));
    // The police answer the chase; the answer is on the thread and the practitioner's outcome card.
    await w.reply(CONSTABLE, chase, 'Sorry for the delay: we agree to a strategy discussion on 14 January.');
    await w.cardTo(SOCIAL_WORKER, 'the reply on the outcome card', (t) =>
      t.includes('we agree to a strategy discussion on 14 January'),
    );
    const kinds = recordKinds(await w.exported());
    expect(kinds).toEqual(expect.arrayContaining(['stage-overdue', 'chased', 'reply-received']));
  }, 90_000);

  it('the police decline the Stage 3a meeting: it is re-booked on the council service manager’s calendar inside the timescale', async () => {
    const w = await open();
    await w.raise({ ...RAISE, urgency: 'longer-period' });
    const s = await w.walkTo((x) => x.stage.id === 'stage-3a' && x.stage.phase === 'meeting-booked');
    const first = await w.checkMeeting(s);
    expect(first.calendar).toBe('senior.manager@dudley-council.example');
    const police = first.invitations.find(
      (i) => i.address === 'detective.chief.inspector@dudley-police.example',
    );
    if (!police) throw new Error('the police service manager was not invited');
    // The Head of Safeguarding is copied at 3a.
    await w.mailTo(
      'head.of.safeguarding@dudley-council.example',
      'the 3a copy',
      (m) => m.importance === 'high',
    );
    await w.respond(police.address, police.event.id, 'decline');
    const rebooked = await w.settled('the re-booked meeting', async () => {
      const x = await w.state();
      return x.stage.phase === 'meeting-booked' && x.stage.meeting?.eventId !== s.stage.meeting?.eventId
        ? x
        : undefined;
    });
    await w.cardTo('dudley-council-service-manager', 'the re-booking card', (t) =>
      t.includes('Re-booking the meeting'),
    );
    const second = await w.checkMeeting(rebooked);
    expect(second.calendar).toBe('senior.manager@dudley-council.example');
    expect(second.event.start.dateTime).not.toBe(first.event.start.dateTime);
    expect(second.invitations.map((i) => i.address)).toContain(police.address);
  }, 120_000);

  it('unresolved after 3b: the Director refers it to the DSCB Independent Chair by High Importance email, then records the Chair’s outcome, which goes to all parties', async () => {
    const w = await open();
    await w.raise({ ...RAISE, urgency: 'longer-period' });
    // The last stage's outcome: not resolved.
    const s = await w.walkTo((x) => x.stage.id === 'stage-3b' && x.stage.phase === 'awaiting-decision');
    const decider = s.stage.awaiting;
    if (!decider) throw new Error('nobody decides after 3b');
    expect(decider.id).toBe('dudley-council-director');
    const offer = await w.cardTo(decider.id, 'the final-stage card', (t) =>
      t.includes('Consideration by the DSCB Independent Chair'),
    );
    expect(plain(textOf(offer.card))).toContain('was the final stage');
    await w.act({
      type: 'exceptional-referral',
      by: decider,
      routeId: 'dscb-independent-chair',
      reason: 'Exceptional: the agencies remain apart on the threshold after the Directors met.',
    });
    const referral = await w.mailTo(
      CHAIR,
      'the referral to the Independent Chair',
      (m) => m.importance === 'high',
    );
    expect(referral.subject).toContain(w.caseReference);
    expect(referral.text).toContain('the agencies remain apart');
    expect(referral.text).toContain('The agencies disagree about whether the threshold');
    await w.cardTo(decider.id, 'the referral outcome card', (t) =>
      t.includes('Consideration by the DSCB Independent Chair: record the outcome'),
    );
    await w.act({
      type: 'outcome-recorded',
      by: decider,
      resolved: true,
      summary: 'The Independent Chair advised a joint strategy discussion; both agencies agreed.',
    });
    const ended = await w.state();
    expect(ended.status).toBe('resolved');
    expect(ended.exceptionalRoute).toBe('dscb-independent-chair');
    // Everyone in the police who took part has the written outcome.
    for (const p of ended.participants.filter((x) => x.organisationId === 'dudley-police')) {
      const c = await w.writtenConfirmationTo(p.email);
      expect(c.text).toContain('The Independent Chair advised');
    }
    const kinds = recordKinds(await w.exported());
    expect(kinds).toEqual(expect.arrayContaining(['referred', 'referral-outcome', 'resolved']));
    expect(await w.caseFileText()).toContain('Consideration by the DSCB Independent Chair');
  }, 150_000);

  it.each([
    {
      who: 'a school: its Head teacher',
      counterpart: 'castle-primary',
      practitioner: 'class.teacher@castle-primary.example',
      stage2: 'head.teacher@castle-primary.example',
    },
    {
      who: 'a self-employed professional: their safeguarding lead',
      counterpart: 'play-therapist',
      practitioner: 'therapist@play-therapy.example',
      stage2: 'safeguarding.lead@bc-therapists.example',
    },
  ])(
    'Stages 2 and 3 with $who: the Stage 2 email and the 3a invitation, High Importance, naming the case',
    async (c) => {
      const w = await open();
      const s1 = await w.raise({ ...RAISE, counterpart: c.counterpart, urgency: 'longer-period' });
      expect(s1.stage.id).toBe('stage-1');
      const s = await w.walkTo((x) => x.stage.id === 'stage-2' && x.stage.phase === 'awaiting-outcome');
      // The Stage 1 email went to the practitioner; Stage 2's goes to the person the procedure names.
      expect((await w.disputeMail(c.practitioner)).length).toBeGreaterThan(0);
      const statement = await w.settled('the Stage 2 email', async () =>
        (await w.state()).stage.thread.find((m) => m.kind === 'statement'),
      );
      const mail = await w.mailTo(
        c.stage2,
        'the Stage 2 email',
        (m) => m.internetMessageId === statement.internetMessageId,
      );
      expect(mail.importance).toBe('high');
      expect(mail.subject).toContain(w.caseReference);
      expect(mail.text).toContain(
        'the receiving agency will write to the complainant agency confirming the outcome',
      );
      expect(s.participants.map((p) => p.email)).toContain(c.stage2);
      // "(as well as stage 3)": not agreed at Stage 2, so the 3a meeting of the service/senior
      // managers is booked on the council's senior manager's calendar, and the same person is the
      // other side's attendee, with the High Importance invitation naming the case in their inbox.
      const s3 = await w.walkTo((x) => x.stage.id === 'stage-3a' && x.stage.phase === 'meeting-booked');
      const meeting = await w.checkMeeting(s3);
      expect(meeting.calendar).toBe('senior.manager@dudley-council.example');
      expect(meeting.invitations.map((i) => i.address)).toEqual([c.stage2]);
      expect(meeting.invitations[0]?.event.importance).toBe('high');
      const request = await w.settled('the 3a invitation in their inbox', async () =>
        (await w.world.messages(c.stage2, 'inbox')).find(
          (m) =>
            m['@odata.type'] === '#microsoft.graph.eventMessageRequest' &&
            m.subject.includes(w.caseReference),
        ),
      );
      expect(request.importance).toBe('high');
      expect(request.subject).toContain(w.caseReference);
      expect(request.text).toContain('Stage 3a');
      expect(request.text).toContain('The agencies disagree about whether the threshold');
    },
    120_000,
  );
});
