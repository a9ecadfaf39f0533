import { describe, expect, it } from 'vitest';
import { recordLineText } from '../../../src/cards/wording/records.ts';
import { refusalText } from '../../../src/cards/wording/refusals.ts';
import { decide } from '../../../src/domain/dispute/decide.ts';
import { emailViewOf } from '../../../src/email/wording.ts';
import { getProcedure } from '../../../src/procedures/index.ts';
import { cardOf, fixtureResolver, person, RAISE_DETAILS, Walk } from './fixtures.ts';

const ane = getProcedure('ane')!;
const ROLES = [
  'practitioner',
  'team-manager',
  'service-manager',
  'assistant-director',
  'head-of-service',
  'allocated-social-worker',
];
const resolver = fixtureResolver({ ane: ROLES, gateshead: ROLES });
const practitioner = person('ane', 'practitioner');
const tm = person('ane', 'team-manager');
const sm = person('ane', 'service-manager');
const ad = person('ane', 'assistant-director');
const counterpartTm = person('gateshead', 'team-manager');

function raised(start = '2026-11-23T10:00:00Z') {
  return new Walk(ane, resolver, start).send({
    type: 'raised',
    disputeId: 'd1',
    by: practitioner,
    immediateRiskChecked: true,
    caseReference: 'ANE-2026-0042',
    raisingOrganisationId: 'ane',
    counterpartOrganisationId: 'gateshead',
    category: 'drift-and-delay',
    details: RAISE_DETAILS,
  });
}

/** Stage 1 and Stage 2 both answered and not agreed: the AD/HoS is asked about Stage 3. */
function notAgreedAtStages1And2() {
  const w = raised().send({ type: 'decision', by: tm, choice: 'escalate' }).delivered();
  w.send({
    type: 'reply-received',
    internetMessageId: '<r1@g>',
    fromEmail: counterpartTm.email,
    text: 'No.',
  });
  w.send({ type: 'acknowledged', by: tm, agreed: false });
  w.send({ type: 'decision', by: sm, choice: 'escalate' }).delivered();
  w.send({
    type: 'reply-received',
    internetMessageId: '<r2@g>',
    fromEmail: person('gateshead', 'service-manager').email,
    text: 'No.',
  });
  w.send({ type: 'acknowledged', by: sm, agreed: false });
  return w;
}

describe('ANE: raise and the informal stage', () => {
  it('records the informal stage and asks the Team Manager to decide', () => {
    const w = raised();
    expect(w.s.stage).toMatchObject({
      id: 'informal',
      phase: 'awaiting-decision',
      awaiting: tm,
      nextStageId: 'stage-1',
    });
    const [card] = w.lastOf('send-card');
    expect(card?.to).toEqual(tm);
    expect(cardOf(card)?.actions.map((a) => a.verb)).toEqual(['escalate', 'informal', 'accept']);
    expect(
      w
        .lastOf('record')
        .map((r) => recordLineText(r.entry))
        .join(' '),
    ).toMatch(/not resolved informally/);
    // No clock runs until the formal process starts (ANE counts 20 days from Stage 1).
    expect(w.lastOf('set-timer')).toEqual([]);
  });

  it('refuses a raise without the immediate-risk check, a name-like reference, or HTML-only fields', () => {
    const w = new Walk(ane, resolver, '2026-11-23T10:00:00Z');
    const base = {
      type: 'raised' as const,
      disputeId: 'd1',
      by: practitioner,
      immediateRiskChecked: true as const,
      caseReference: 'ANE-1',
      raisingOrganisationId: 'ane',
      counterpartOrganisationId: 'gateshead',
      category: 'drift-and-delay',
      details: RAISE_DETAILS,
    };
    expect(refusalText(w.refused({ ...base, immediateRiskChecked: false as unknown as true }))).toMatch(
      /immediate risk/,
    );
    expect(w.refused({ ...base, caseReference: 'Jane Smith' }).reason).toBe('invalid-input');
    expect(refusalText(w.refused({ ...base, category: 'not-a-category' }))).toMatch(/categories/);
    expect(refusalText(w.refused({ ...base, counterpartOrganisationId: 'ane' }))).toMatch(
      /different organisation/,
    );
    expect(refusalText(w.refused({ ...base, details: { ...RAISE_DETAILS, issue: '   ' } }))).toMatch(
      /What is in dispute/,
    );
  });

  it('lets the Team Manager accept the decision, which ends the dispute', () => {
    const w = raised().send({ type: 'decision', by: tm, choice: 'accept' });
    expect(w.s.status).toBe('accepted');
    expect(w.lastOf('send-card')[0]?.to).toEqual(practitioner);
  });

  it('lets the Team Manager raise it informally, then resolve or go on to Stage 1', () => {
    const w = raised().send({ type: 'decision', by: tm, choice: 'informal' });
    expect(w.s.stage.phase).toBe('informal-contact');
    w.send({
      type: 'informal-outcome',
      by: tm,
      resolved: false,
      summary: 'Spoke to the counterpart Team Manager; no agreement.',
    });
    expect(w.s.stage.phase).toBe('awaiting-decision');
    expect(cardOf(w.lastOf('send-card')[0])?.actions.map((a) => a.verb)).toEqual(['escalate', 'accept']);
    const resolved = raised().send({ type: 'decision', by: tm, choice: 'informal' });
    resolved.send({ type: 'informal-outcome', by: tm, resolved: true, summary: 'Agreed informally.' });
    expect(resolved.s.status).toBe('resolved');
  });

  it('lets only the Team Manager decide', () => {
    const w = raised();
    const refusal = w.refused({ type: 'decision', by: practitioner, choice: 'escalate' });
    expect(refusal.reason).toBe('not-your-step');
    expect(refusalText(refusal)).toContain(tm.name);
  });
});

describe('ANE: the formal stages', () => {
  it('Stage 1 sends a High Importance email from the Team Manager to the counterpart, due in 5 working days', () => {
    // Monday 23 Nov 2026, 10:00: five working days later is Monday 30 Nov.
    const w = raised().send({
      type: 'decision',
      by: tm,
      choice: 'escalate',
      statement: { issue: 'Edited problem statement.' },
    });
    const [email] = w.lastOf('send-email');
    expect(email).toMatchObject({
      from: tm,
      to: [counterpartTm],
      importance: 'high',
      template: 'stage-statement',
      kind: 'statement',
    });
    expect((email && emailViewOf(email))?.responseDue).toEqual({
      due: '2026-11-30T23:59:59.999Z',
      dueDate: '2026-11-30',
      workingDays: 5,
    });
    expect(
      (email && emailViewOf(email))?.fields.find((f) => f.label === 'The problem identified')?.value,
    ).toBe('Edited problem statement.');
    expect((email && emailViewOf(email))?.fields.map((f) => f.label)).toContain(
      'Attempts to resolve the problem informally',
    );
    expect(w.s.stage).toMatchObject({ id: 'stage-1', phase: 'sending', due: '2026-11-30T23:59:59.999Z' });
    // The 20-working-day cap starts with Stage 1: 23 Nov + 20 working days = 21 Dec 2026.
    expect(w.s.overallDue).toBe('2026-12-21T23:59:59.999Z');
    const timers = Object.fromEntries(w.lastOf('set-timer').map((t) => [t.kind, t.at]));
    expect(timers).toEqual({
      'overall-deadline': '2026-12-21T23:59:59.999Z',
      'overall-warning-50': '2026-12-07T23:59:59.999Z',
      'overall-warning-75': '2026-12-14T23:59:59.999Z',
      'stage-deadline': '2026-11-30T23:59:59.999Z',
      'stage-warning-50': '2026-11-25T23:59:59.999Z',
      'stage-warning-75': '2026-11-26T23:59:59.999Z',
    });
  });

  it('a reply asks the Team Manager agreed / not agreed; agreed sends the acknowledgement on the thread and resolves', () => {
    const w = raised().send({ type: 'decision', by: tm, choice: 'escalate' }).delivered();
    expect(w.s.stage.phase).toBe('awaiting-response');
    w.at('2026-11-26T09:00:00Z').send({
      type: 'reply-received',
      internetMessageId: '<reply-1@gateshead.example>',
      conversationId: 'conv-stage-1',
      fromEmail: counterpartTm.email,
      text: 'We will complete life-story work by 11 Dec.',
    });
    const [card] = w.lastOf('send-card');
    expect(card).toMatchObject({ to: tm, card: 'review-reply' });
    expect(cardOf(card)?.text[0]).toContain('life-story work by 11 Dec');
    w.send({ type: 'acknowledged', by: tm, agreed: true });
    const emails = w.lastOf('send-email');
    expect(emails[0]).toMatchObject({
      from: tm,
      to: [counterpartTm],
      importance: 'high',
      template: 'acknowledgement',
    });
    expect(emails[0]?.inReplyTo?.internetMessageId).toBe('<reply-1@gateshead.example>');
    expect(emails.some((e) => e.template === 'written-confirmation')).toBe(true);
    expect(w.s.status).toBe('resolved');
    expect(w.lastOf('cancel-timer').map((c) => c.key)).toContain('d1:stage-1:stage-deadline');
    expect(w.lastOf('cancel-timer').map((c) => c.key)).toContain('d1:overall:overall-deadline');
    w.send({ type: 'closed', by: tm });
    expect(w.s.status).toBe('closed');
  });

  it('walks to the final stage: not agreed → Stage 2, no reply → prompt → Stage 3 meeting → Stage 4 meeting', () => {
    const w = raised().send({ type: 'decision', by: tm, choice: 'escalate' }).delivered();
    w.at('2026-11-25T09:00:00Z').send({
      type: 'reply-received',
      internetMessageId: '<r1@g>',
      fromEmail: counterpartTm.email,
      text: 'No.',
    });
    w.send({ type: 'acknowledged', by: tm, agreed: false });
    // "the Team Manager should notify their Line-Manager (Service Manager/Senior Manager)"
    expect(w.s.stage).toMatchObject({ phase: 'awaiting-decision', awaiting: sm, nextStageId: 'stage-2' });
    expect(w.lastOf('send-card')[0]).toMatchObject({ to: sm, card: 'decision' });

    w.send({ type: 'decision', by: sm, choice: 'escalate' }).delivered();
    const [stage2] = w.effects
      .filter((e) => e.type === 'send-email' && e.template === 'stage-statement')
      .slice(-1);
    expect(stage2).toMatchObject({
      from: sm,
      to: [person('gateshead', 'service-manager')],
      importance: 'high',
    });
    expect(w.s.stage.due).toBe('2026-12-02T23:59:59.999Z');

    // No reply by the deadline: the Service Manager is prompted to chase or escalate.
    w.fire('stage-deadline');
    const [prompt] = w.lastOf('send-card');
    expect(prompt).toMatchObject({ to: sm, card: 'no-response' });
    expect(cardOf(prompt)?.actions.map((a) => a.verb)).toEqual(['chase', 'ack-not-agreed']);
    w.send({ type: 'chase', by: sm });
    expect(w.lastOf('send-email')[0]).toMatchObject({ template: 'chase', importance: 'high' });
    w.send({ type: 'acknowledged', by: sm, agreed: false });
    expect(w.s.stage).toMatchObject({ phase: 'awaiting-decision', awaiting: ad, nextStageId: 'stage-3' });

    // Stage 3: the AD/HoS convenes a meeting within five working days.
    w.at('2026-12-03T10:00:00Z').send({ type: 'decision', by: ad, choice: 'escalate' });
    const [book] = w.lastOf('book-meeting');
    expect(book?.convener).toEqual(ad);
    expect(book?.window).toEqual({ start: '2026-12-03T10:00:00.000Z', end: '2026-12-10T23:59:59.999Z' });
    expect(book?.attendees.map((a) => a.person.id).sort()).toEqual(
      [
        'ane.service-manager',
        'ane.team-manager',
        'gateshead.head-of-service',
        'gateshead.service-manager',
        'gateshead.team-manager',
      ].sort(),
    );
    expect(book?.attendees.find((a) => a.person.id === 'gateshead.team-manager')?.external).toBe(true);
    expect(book?.agenda.length).toBeGreaterThan(0);
    w.booked('2026-12-07T10:00:00.000Z');
    expect(w.s.stage.phase).toBe('meeting-booked');
    // A required attendee declines: Concord re-books, avoiding the declined slot.
    w.send({
      type: 'meeting-response',
      eventId: w.s.stage.meeting!.eventId!,
      attendeeEmail: counterpartTm.email,
      response: 'declined',
    });
    const [rebook] = w.lastOf('book-meeting');
    expect(rebook?.replaces).toBeDefined();
    expect(rebook?.avoidStarts).toEqual(['2026-12-07T10:00:00.000Z']);
    w.booked('2026-12-08T10:00:00.000Z');
    w.send({
      type: 'meeting-response',
      eventId: w.s.stage.meeting!.eventId!,
      attendeeEmail: counterpartTm.email,
      response: 'accepted',
    });
    // The meeting ends; the convener is asked for the minutes and the outcome.
    w.fire('meeting-end');
    expect(w.s.stage.phase).toBe('awaiting-outcome');
    expect(w.lastOf('send-card')[0]).toMatchObject({ to: ad, card: 'outcome' });
    expect(
      refusalText(w.refused({ type: 'outcome-recorded', by: ad, resolved: false, summary: 'Not resolved.' })),
    ).toMatch(/Minutes/);
    w.send({
      type: 'outcome-recorded',
      by: ad,
      resolved: false,
      summary: 'Not resolved.',
      minutes: 'Minutes of the meeting.',
    });
    expect(w.s.stage).toMatchObject({ phase: 'awaiting-decision', awaiting: ad, nextStageId: 'stage-4' });

    // Stage 4: the final stage, with the counterpart AD.
    w.send({ type: 'decision', by: ad, choice: 'escalate' });
    const [book4] = w.lastOf('book-meeting');
    expect(book4?.attendees.map((a) => a.person.id)).toEqual(['gateshead.assistant-director']);
    w.booked().fire('meeting-end');
    w.send({
      type: 'outcome-recorded',
      by: ad,
      resolved: true,
      summary: 'Agreed SMART actions.',
      minutes: 'Minutes.',
      actions: [
        { description: 'Start life-story work', owner: 'Team Manager, Gateshead', dueDate: '2026-12-18' },
      ],
    });
    expect(w.s.status).toBe('resolved');
    const confirmation = w.lastOf('send-email').find((e) => e.template === 'written-confirmation');
    expect(confirmation?.to.map((p) => p.organisationId)).toEqual(expect.arrayContaining(['gateshead']));
    expect(w.lastOf('set-timer').find((t) => t.kind === 'action-due')?.at).toBe('2026-12-18T09:00:00.000Z');
  });

  it('a final stage that is not resolved ends the dispute unresolved, with written confirmation (ANE has no exceptional route)', () => {
    const w = notAgreedAtStages1And2();
    w.send({ type: 'decision', by: ad, choice: 'escalate' }).booked().fire('meeting-end');
    w.send({ type: 'outcome-recorded', by: ad, resolved: false, summary: 'Not resolved.', minutes: 'M.' });
    w.send({ type: 'decision', by: ad, choice: 'escalate' }).booked().fire('meeting-end');
    w.send({
      type: 'outcome-recorded',
      by: ad,
      resolved: false,
      summary: 'Still not resolved.',
      minutes: 'M.',
    });
    expect(w.s.status).toBe('unresolved');
    expect(w.lastOf('send-email').map((e) => e.template)).toContain('written-confirmation');
    expect(w.refused({ type: 'decision', by: ad, choice: 'escalate' }).reason).toBe('dispute-not-open');
  });

  it('refuses to skip a stage, stale timers, acting twice, and another procedure version', () => {
    const w = raised();
    expect(w.refused({ type: 'bypass', by: tm, toStageId: 'stage-3', reason: 'urgent' }).reason).toBe(
      'stage-skip-not-allowed',
    );
    w.send({ type: 'decision', by: tm, choice: 'escalate' }).delivered();
    expect(w.refused({ type: 'decision', by: tm, choice: 'escalate' }).reason).toBe('wrong-phase');
    expect(
      w.refused({
        type: 'timer-fired',
        key: 'd1:informal:stage-deadline',
        kind: 'stage-deadline',
        stageId: 'informal',
      }).reason,
    ).toBe('stale-timer');
    expect(refusalText(w.refused({ type: 'acknowledged', by: tm, agreed: true }))).toMatch(/No reply/);
    const result = decide(
      w.s,
      { type: 'closed', by: tm },
      { ...w.ctx(), procedure: { ...ane, version: '2.0.0' } },
    );
    expect(result.ok).toBe(false);
  });

  it('keeps the procedure version it started under', () => {
    const w = raised();
    expect(w.s.procedureVersion).toBe(ane.version);
  });

  it('warns at 50% and 75% of the stage, and at the overall cap', () => {
    const w = raised().send({ type: 'decision', by: tm, choice: 'escalate' }).delivered();
    w.fire('stage-warning-50');
    expect(w.lastOf('send-card')[0]).toMatchObject({ to: tm, card: 'warning' });
    expect(cardOf(w.lastOf('send-card')[0])?.overallWorkingDays).toBe(20);
    w.fire('overall-deadline', 'overall');
    expect(cardOf(w.lastOf('send-card')[0])?.text[0]).toMatch(/20-working-day limit has passed/);
  });

  it('lets the raiser withdraw, cancelling timers and telling the counterpart on the thread', () => {
    const w = raised().send({ type: 'decision', by: tm, choice: 'escalate' }).delivered();
    w.send({ type: 'withdrawn', by: practitioner, reason: 'Resolved in a planning meeting.' });
    expect(w.s.status).toBe('withdrawn');
    expect(w.lastOf('send-email')[0]?.inReplyTo).toBeDefined();
    expect(w.lastOf('cancel-timer').length).toBeGreaterThan(0);
    expect(raised().refused({ type: 'withdrawn', by: counterpartTm, reason: 'x' }).reason).toBe(
      'not-your-step',
    );
  });
});

describe('ANE: replies, chases and endings the other side must hear about', () => {
  const stage1 = () => raised().send({ type: 'decision', by: tm, choice: 'escalate' });

  it('counts only the counterpart side’s reply to this stage’s email, once', () => {
    const w = stage1().delivered();
    const statementId = w.s.stage.thread[0]!.internetMessageId;
    // An internal forward of the thread is not the counterpart's reply.
    expect(
      w.refused({
        type: 'reply-received',
        internetMessageId: '<fwd@ane.example>',
        fromEmail: sm.email,
        text: 'FYI',
      }).reason,
    ).toBe('unknown-message');
    // A reply to some other email (an earlier stage's) does not move this stage.
    expect(
      w.refused({
        type: 'reply-received',
        internetMessageId: '<old@gateshead.example>',
        fromEmail: counterpartTm.email,
        text: 'Late',
        inReplyTo: ['<earlier@ane.example>'],
      }).reason,
    ).toBe('unknown-message');
    // A colleague at the counterpart council may answer for them.
    w.send({
      type: 'reply-received',
      internetMessageId: '<r@gateshead.example>',
      fromEmail: 'duty.manager@gateshead.example',
      text: 'Actions…',
      inReplyTo: [statementId],
    });
    expect(w.s.stage.phase).toBe('awaiting-acknowledgement');
    // The same reply seen again in another watched inbox is refused as a duplicate.
    expect(
      w.refused({
        type: 'reply-received',
        internetMessageId: '<R@gateshead.example>',
        fromEmail: counterpartTm.email,
        text: 'Actions…',
      }).reason,
    ).toBe('duplicate');
  });

  it('takes a reply that beats the delivery report', () => {
    const w = stage1();
    expect(w.s.stage.phase).toBe('sending');
    w.send({
      type: 'reply-received',
      internetMessageId: '<fast@gateshead.example>',
      fromEmail: counterpartTm.email,
      text: 'Agreed actions.',
    });
    expect(w.s.stage.phase).toBe('awaiting-acknowledgement');
    w.delivered();
    expect(w.s.stage.phase).toBe('awaiting-acknowledgement');
  });

  it('chases only after the deadline, and keeps the sender able to escalate afterwards', () => {
    const w = stage1().delivered();
    expect(refusalText(w.refused({ type: 'chase', by: tm }))).toMatch(/not due until 2026-11-30/);
    w.fire('stage-deadline').send({ type: 'chase', by: tm });
    expect(w.s.stage.awaiting).toEqual(tm);
    expect(cardOf(w.lastOf('send-card')[0])?.actions.map((a) => a.verb)).toEqual(['chase', 'ack-not-agreed']);
    w.send({ type: 'acknowledged', by: tm, agreed: false });
    expect(w.s.stage).toMatchObject({ phase: 'awaiting-decision', awaiting: sm });
  });

  it('does not call a stage overdue when the reply came in time and only the acknowledgement is waiting', () => {
    const w = stage1().delivered();
    w.send({
      type: 'reply-received',
      internetMessageId: '<r@gateshead.example>',
      fromEmail: counterpartTm.email,
      text: 'Actions.',
    });
    w.fire('stage-deadline');
    expect(w.s.stage.overdue).toBe(false);
    expect(cardOf(w.lastOf('send-card')[0])?.title).toMatch(/waiting for you/);
  });

  it('confirms in writing to the counterpart when the decision is accepted after contact', () => {
    const w = stage1().delivered();
    w.send({
      type: 'reply-received',
      internetMessageId: '<r@gateshead.example>',
      fromEmail: counterpartTm.email,
      text: 'No.',
    });
    w.send({ type: 'acknowledged', by: tm, agreed: false });
    w.send({ type: 'decision', by: sm, choice: 'accept', reason: 'On reflection the plan is reasonable.' });
    expect(w.s.status).toBe('accepted');
    const confirmation = w.lastOf('send-email').find((e) => e.template === 'written-confirmation');
    expect(confirmation?.to.map((p) => p.organisationId)).toContain('gateshead');
  });

  it('lets only the owner or the person whose step it is mark it resolved, and only the raising side close it', () => {
    const w = stage1().delivered();
    expect(w.refused({ type: 'resolved', by: counterpartTm, summary: 'Sorted.' }).reason).toBe(
      'not-your-step',
    );
    expect(
      w.refused({ type: 'resolved', by: person('ane', 'head-of-service'), summary: 'Sorted.' }).reason,
    ).toBe('not-your-step');
    w.send({ type: 'resolved', by: tm, summary: 'Resolved by phone.' });
    expect(w.refused({ type: 'closed', by: counterpartTm }).reason).toBe('not-allowed-to-close');
    w.send({ type: 'closed', by: tm });
  });
});

describe('ANE: moving a booked meeting', () => {
  it('moves only to one of the times the booking found free for everyone', () => {
    const w = notAgreedAtStages1And2();
    w.send({ type: 'decision', by: ad, choice: 'escalate' });
    const [book] = w.lastOf('book-meeting');
    w.send({
      type: 'meeting-booked',
      effectKey: book!.key,
      eventId: 'e1',
      start: '2026-11-24T10:00:00.000Z',
      end: '2026-11-24T11:00:00.000Z',
      alternatives: ['2026-11-24T10:00:00.000Z', '2026-11-25T14:00:00.000Z'],
    });
    expect(w.s.stage.meeting?.alternatives).toEqual(['2026-11-25T14:00:00.000Z']);
    expect(
      refusalText(w.refused({ type: 'meeting-move', by: ad, start: '2026-11-25T03:00:00.000Z' })),
    ).toMatch(/proposed times/);
    expect(w.refused({ type: 'meeting-move', by: tm, start: '2026-11-25T14:00:00.000Z' }).reason).toBe(
      'not-your-step',
    );
    w.send({ type: 'meeting-move', by: ad, start: '2026-11-25T14:00:00.000Z' });
    expect(w.lastOf('book-meeting')[0]).toMatchObject({
      preferredStart: '2026-11-25T14:00:00.000Z',
      replaces: 'e1',
    });
  });
});
