/**
 * Issue 10, "channel is what the procedure asks, transport follows from the directory": a stage
 * that involves the other agency reaches it. People in another tenant are emailed on a tracked
 * thread (their replies come back as events); people in the host tenant get Teams cards; what goes
 * out in someone's name is reviewed and sent by them; a step whose actor is in another tenant is
 * recorded by a host-side person, and nothing is sent from another tenant's mailbox.
 */
import { describe, expect, it } from 'vitest';
import { cardViewOf } from '../../../src/cards/wording/cards.ts';
import type { Effect, RoleResolver } from '../../../src/domain/dispute/types.ts';
import { emailViewOf } from '../../../src/email/wording.ts';
import { getProcedure } from '../../../src/procedures/index.ts';
import { fixtureResolver, person, RAISE_DETAILS, raiseConfirmations, Walk } from './fixtures.ts';
import { raise, step, walkTo } from './walker.ts';

const dudley = getProcedure('dudley-dscb')!;
const nel = getProcedure('nel-lscb-sab')!;
const solihull = getProcedure('solihull-ssab')!;
const iro = getProcedure('iro-drp')!;

type Email = Extract<Effect, { type: 'send-email' }>;
type Card = Extract<Effect, { type: 'send-card' }>;
const emailsIn = (effects: readonly Effect[]) => effects.filter((e): e is Email => e.type === 'send-email');
const cardsIn = (effects: readonly Effect[]) => effects.filter((e): e is Card => e.type === 'send-card');

describe('a discussion with another agency is an email thread', () => {
  it('Dudley Stage 1: the relevant practitioner in the other agency is emailed the case, the stage, what is asked and by when', () => {
    const w = raise(dudley, { urgency: dudley.urgencyLevels![1]!.id, hosts: ['la'] });
    const [email] = emailsIn(w.last).filter((e) => e.template === 'discussion');
    expect(email).toBeDefined();
    expect(email!.from.id).toBe('la.practitioner');
    expect(email!.to.map((p) => p.id)).toEqual(['partner.practitioner']);
    expect(email!.importance).toBe('high');
    expect(email!.kind).toBe('statement');
    const view = emailViewOf(email!);
    expect(view.caseReference).toBe('CASE-2026-007');
    expect(view.stageName).toBe(dudley.stages[0]!.name);
    expect(view.paragraphs.join(' ')).toContain('clear evidence-based reasons');
    // What the procedure asks of them, in its words: the outcome in writing.
    expect(view.paragraphs.join(' ')).toContain(
      'the responsible worker in the receiving agency will advise the complainant agency of the outcome in writing',
    );
    expect(view.responseDue?.dueDate).toBe(w.s.stage.dueDate);
    // The raiser records the discussion's outcome; their card says the other agency was emailed.
    expect(w.s.stage).toMatchObject({ phase: 'awaiting-outcome', awaiting: { id: 'la.practitioner' } });
    const card = cardsIn(w.last).find((c) => c.card === 'outcome');
    expect(cardViewOf(card!).text.join(' ')).toMatch(/Concord has emailed practitioner, partner/);
  });

  it("the other agency's written reply on the thread is kept and shown to the person who records the outcome", () => {
    const w = raise(dudley, { urgency: dudley.urgencyLevels![1]!.id, hosts: ['la'] }).delivered();
    const statement = w.s.stage.thread.find((m) => m.kind === 'statement');
    expect(statement).toBeDefined();
    w.send({
      type: 'reply-received',
      internetMessageId: '<answer-1@partner.example>',
      inReplyTo: [statement!.internetMessageId],
      fromEmail: 'practitioner@partner.example',
      text: 'We have reviewed the case file and agree to reconvene the strategy discussion.',
    });
    expect(w.s.stage.phase).toBe('awaiting-outcome');
    expect(w.s.stage.awaiting?.id).toBe('la.practitioner');
    const card = cardsIn(w.last).find((c) => c.card === 'outcome');
    // Labelled by the sender's name from the directory, not their address.
    expect(cardViewOf(card!).text.join(' ')).toContain(
      'Reply from practitioner, partner: We have reviewed the case file',
    );
    const record = w.last.find((e) => e.type === 'record');
    expect(record?.type === 'record' && record.entry.kind).toBe('reply-received');
    // The same reply seen twice (two watched inboxes) does not count twice.
    expect(
      w.refused({
        type: 'reply-received',
        internetMessageId: '<answer-1@partner.example>',
        fromEmail: 'practitioner@partner.example',
        text: 'again',
      }).code,
    ).toBe('duplicate-reply');
    // A message from outside the other agency does not count.
    expect(
      w.refused({
        type: 'reply-received',
        internetMessageId: '<x@elsewhere.example>',
        fromEmail: 'someone@elsewhere.example',
        text: 'spoof',
      }).code,
    ).toBe('not-from-counterpart');
  });

  it('Dudley Stage 2 with a self-employed professional: their safeguarding lead, in another organisation, is emailed, and their reply counts', () => {
    // The professional's organisation has no line manager: a network's safeguarding lead deals with
    // "this stage (as well as stage 3)", as the directory's delegate.
    const lead = person('network', 'safeguarding-lead');
    const base = fixtureResolver({ la: dudley.roles.map((r) => r.id), partner: ['practitioner'] }, ['la']);
    const resolver: RoleResolver = {
      ...base,
      resolve: (req) =>
        req.party.side === 'counterpart' && req.party.role !== 'practitioner' ? lead : base.resolve(req),
    };
    const w = new Walk(dudley, resolver, '2026-11-23T10:00:00Z').send({
      type: 'raised',
      disputeId: 'w1',
      by: person('la', 'practitioner'),
      immediateRiskChecked: true,
      caseReference: 'CASE-2026-007',
      raisingOrganisationId: 'la',
      counterpartOrganisationId: 'partner',
      category: dudley.categories[0]!.id,
      urgency: dudley.urgencyLevels![2]!.id,
      ...raiseConfirmations(dudley),
      details: RAISE_DETAILS,
    });
    walkTo(w, 1);
    w.delivered();
    const statement = w.s.stage.thread.find((m) => m.kind === 'statement');
    expect(emailsIn(w.effects).find((e) => e.kind === 'statement' && e.to[0]?.id === lead.id)).toBeDefined();
    w.send({
      type: 'reply-received',
      internetMessageId: '<lead-1@network.example>',
      inReplyTo: [statement!.internetMessageId],
      fromEmail: lead.email,
      text: 'As the safeguarding lead I agree to a joint review.',
    });
    expect(w.s.stage.thread.some((m) => m.kind === 'reply' && m.from === lead.email)).toBe(true);
    // Anyone else at that organisation is not someone the dispute reached.
    expect(
      w.refused({
        type: 'reply-received',
        internetMessageId: '<other@network.example>',
        fromEmail: 'someone@network.example',
        text: 'spoof',
      }).code,
    ).toBe('not-from-counterpart');
  });

  it('a reply is labelled by the name the directory knows, with the organisation where the name does not say it; an unknown sender by address', () => {
    const w = raise(dudley, { urgency: dudley.urgencyLevels![1]!.id, hosts: ['la'] }).delivered();
    const colleague = { ...person('partner', 'designated-lead'), name: 'Sam Patel' };
    Object.assign(w.resolver, {
      organisationName: (id: string) => (id === 'partner' ? 'Partner Trust (fictional)' : null),
      personByEmail: (email: string) => (email === colleague.email ? colleague : null),
    });
    const statement = w.s.stage.thread.find((m) => m.kind === 'statement')!;
    w.send({
      type: 'reply-received',
      internetMessageId: '<answer-2@partner.example>',
      inReplyTo: [statement.internetMessageId],
      fromEmail: colleague.email.toUpperCase(),
      text: 'I answer for the practitioner, who is on leave.',
    });
    const card = cardsIn(w.last).find((c) => c.card === 'outcome');
    expect(cardViewOf(card!).text.join(' ')).toContain(
      'Reply from Sam Patel (Partner Trust (fictional)): I answer for the practitioner',
    );
    expect(w.s.stage.thread.at(-1)).toMatchObject({
      from: colleague.email.toUpperCase(),
      fromName: 'Sam Patel (Partner Trust (fictional))',
    });
    w.send({
      type: 'reply-received',
      internetMessageId: '<answer-3@partner.example>',
      inReplyTo: [statement.internetMessageId],
      fromEmail: 'office@partner.example',
      text: 'Received, thank you.',
    });
    const next = cardsIn(w.last).find((c) => c.card === 'outcome');
    expect(cardViewOf(next!).text.join(' ')).toContain('Reply from office@partner.example: Received');
  });

  it('NEL Stage 1: party 2 in the other agency is approached by email; the own line manager, in the host tenant, gets a Teams notice', () => {
    const w = raise(nel, { hosts: ['la'] });
    walkTo(w, 1);
    const stage1 = w.effects.filter((e) => e.type !== 'record');
    const emails = emailsIn(stage1).filter((e) => e.template === 'discussion');
    expect(emails.at(-1)!.to.map((p) => p.id)).toEqual(['partner.practitioner']);
    const notice = cardsIn(stage1).find((c) => c.intent.kind === 'stage-involves-you');
    expect(notice?.to.id).toBe('la.team-manager');
    expect(cardViewOf(notice!).text.join(' ')).toMatch(/will hold this step with you/);
  });

  it('a discussion held only in the host tenant sends no email (IRO Stage 1: Teams throughout)', () => {
    const w = raise(iro, { hosts: ['la', 'partner'] });
    expect(emailsIn(w.effects).filter((e) => e.template === 'discussion')).toEqual([]);
    const notices = cardsIn(w.effects).filter((c) => c.intent.kind === 'stage-involves-you');
    expect(notices.map((c) => c.to.id).sort()).toEqual([
      'partner.allocated-social-worker',
      'partner.team-manager',
    ]);
  });
});

describe('a discussion held by email that the other agency has not answered is chased on its thread', () => {
  it('Dudley Stage 1 "within 24 hours": the overdue card offers a chase; the chase goes on the same thread, High Importance, with what is asked and the timescale in the procedure’s words', () => {
    const w = raise(dudley, { urgency: 'within-24-hours', hosts: ['la'] }).delivered();
    const statement = w.s.stage.thread.find((m) => m.kind === 'statement')!;
    w.fire('stage-deadline');
    const card = cardsIn(w.last).find((c) => c.intent.kind === 'no-response');
    expect(card?.to.id).toBe('la.practitioner');
    const words = cardViewOf(card!);
    expect(words.title).toBe(`${dudley.stages[0]!.name} is overdue: no reply from practitioner, partner`);
    expect(words.actions.map((a) => a.verb)).toEqual(['chase']);
    w.send({ type: 'chase', by: person('la', 'practitioner'), note: 'Could you reply today?' });
    const [chase] = emailsIn(w.last);
    expect(chase).toMatchObject({
      template: 'chase',
      kind: 'chase',
      importance: 'high',
      from: { id: 'la.practitioner' },
    });
    expect(chase!.to.map((p) => p.id)).toEqual(['partner.practitioner']);
    expect(chase!.inReplyTo?.internetMessageId).toBe(statement.internetMessageId);
    const view = emailViewOf(chase!);
    expect(view.subject).toContain('CASE-2026-007');
    expect(view.subject).toContain(dudley.stages[0]!.name);
    const text = view.paragraphs.join(' ');
    expect(text).toContain(
      'A response was due by 10:00 on Tuesday 24 November 2026 (within 24 hours) and has not been received.',
    );
    expect(text).toContain("The procedure's timescale: “others within 24 hours”");
    expect(text).toContain(
      'The procedure asks: “Where a resolution is reached, the responsible worker in the receiving agency will advise the complainant agency of the outcome in writing.”',
    );
    expect(text).toContain('Could you reply today?');
    expect(view.fields).toContainEqual({ label: 'Case reference', value: 'CASE-2026-007' });
    // The discussion's outcome is still the practitioner's to record; their card says it was chased.
    expect(w.s.stage).toMatchObject({
      phase: 'awaiting-outcome',
      awaiting: { id: 'la.practitioner' },
      chases: 1,
    });
    const chased = cardsIn(w.last).find((c) => c.intent.kind === 'chased');
    expect(cardViewOf(chased!).text.join(' ')).toContain('on the same email thread');
  });

  it('Solihull Stage 1 answered before its 5 working days: no chase is offered, and a chase is refused', () => {
    const w = raise(solihull, { hosts: ['la'] }).delivered();
    const statement = w.s.stage.thread.find((m) => m.kind === 'statement')!;
    w.send({
      type: 'reply-received',
      internetMessageId: '<answer-1@partner.example>',
      inReplyTo: [statement.internetMessageId],
      fromEmail: 'practitioner@partner.example',
      text: 'We will review the care and support plan with you on Thursday.',
    });
    w.fire('stage-deadline');
    expect(cardsIn(w.last).some((c) => c.intent.kind === 'no-response')).toBe(false);
    expect(cardsIn(w.last).some((c) => c.intent.kind === 'stage-overdue')).toBe(true);
    expect(w.refused({ type: 'chase', by: person('la', 'practitioner') }).reason).toBe('wrong-phase');
  });

  it('NEL Stage 2 unanswered: only the actor (or whoever records it) may chase; someone else is refused', () => {
    const w = raise(nel, { hosts: ['la'] });
    walkTo(w, 2);
    expect(w.s.stage.id).toBe('stage-2');
    w.delivered();
    w.fire('stage-deadline');
    const card = cardsIn(w.last).find((c) => c.intent.kind === 'no-response');
    expect(card?.to.id).toBe(w.s.stage.awaiting?.id);
    expect(w.refused({ type: 'chase', by: person('la', 'practitioner') }).reason).toBe('not-your-step');
    w.send({ type: 'chase', by: w.s.stage.awaiting! });
    const [chase] = emailsIn(w.last);
    expect(chase!.to.map((p) => p.id)).toEqual(['partner.team-manager']);
    expect(emailViewOf(chase!).paragraphs.join(' ')).toContain('ideally within a maximum of 15 working days');
  });
});

describe('a step after the resolution that goes to someone in another tenant reaches them', () => {
  const GAPS =
    'If the process highlights gaps in policies and procedures they must be brought to the attention of the Chair of Dudley Safeguarding Children Board (SSCB)';

  it('Dudley: gaps in policy go to the DSCB Chair by High Importance email, with the case reference and the gap, once, on the record', () => {
    expect(dudley.afterResolution.find((a) => a.kind === 'policy-gap')?.quote).toBe(GAPS);
    const w = raise(dudley, { urgency: 'within-24-hours', hosts: ['la'] }).delivered();
    step(w, true);
    expect(w.s.status).toBe('resolved');
    const card = cardsIn(w.last).find(
      (c) => c.intent.kind === 'after-resolution' && c.intent.step === 'policy-gap',
    );
    // The Chair is in another tenant: the card is the raiser's, to send it to the Chair.
    expect(card?.to.id).toBe('la.practitioner');
    const words = cardViewOf(card!);
    expect(words.text.join(' ')).toContain(GAPS);
    expect(words.input?.label).toContain('board chair, board');
    const send = words.actions.find((a) => a.verb === 'send-after-resolution');
    expect(send?.data).toEqual({ itemId: 'policy-gaps' });

    const gap = 'The escalation protocol does not say who convenes a strategy discussion out of hours.';
    // Only the card's holder, the owner or the raiser may send it.
    expect(
      w.refused({
        type: 'after-resolution-sent',
        by: person('partner', 'practitioner'),
        itemId: 'policy-gaps',
        text: gap,
      }).reason,
    ).toBe('not-your-step');
    w.send({
      type: 'after-resolution-sent',
      by: person('la', 'practitioner'),
      itemId: 'policy-gaps',
      text: gap,
    });
    const [email] = emailsIn(w.last);
    expect(email).toMatchObject({ importance: 'high', from: { id: 'la.practitioner' } });
    expect(email!.to.map((p) => p.id)).toEqual(['board.board-chair']);
    const view = emailViewOf(email!);
    expect(view.subject).toContain('CASE-2026-007');
    expect(view.paragraphs.join(' ')).toContain(GAPS);
    expect(view.paragraphs.join(' ')).toContain(gap);
    expect(view.fields).toContainEqual({ label: 'Case reference', value: 'CASE-2026-007' });
    const line = w.last.find((e) => e.type === 'record');
    expect(line).toMatchObject({ entry: { kind: 'after-resolution-sent', outcome: gap } });
    expect(
      w.refused({
        type: 'after-resolution-sent',
        by: person('la', 'practitioner'),
        itemId: 'policy-gaps',
        text: gap,
      }).reason,
    ).toBe('duplicate');
    // A debrief has no one in another tenant to go to: nothing to send.
    expect(
      w.refused({
        type: 'after-resolution-sent',
        by: person('la', 'practitioner'),
        itemId: 'debrief',
        text: 'x',
      }).reason,
    ).toBe('invalid-input');
  });
});

describe('what goes out in a person’s name is reviewed and sent by them', () => {
  it('Dudley Stage 2: the practitioner decides; their line manager reviews the email to the other agency and sends it', () => {
    const w = raise(dudley, { urgency: dudley.urgencyLevels![1]!.id, hosts: ['la'] }).delivered();
    w.send({ type: 'outcome-recorded', by: w.s.stage.awaiting!, resolved: false, summary: 'No agreement.' });
    expect(w.s.stage.awaiting?.id).toBe('la.practitioner');
    w.send({ type: 'decision', by: person('la', 'practitioner'), choice: 'escalate' });
    // Nothing has gone out in the Team Manager's name yet: it is their step to review and send.
    expect(emailsIn(w.last)).toEqual([]);
    expect(w.s.stage).toMatchObject({
      id: 'stage-1',
      phase: 'awaiting-decision',
      awaiting: { id: 'la.team-manager' },
    });
    const card = cardsIn(w.last).find((c) => c.to.id === 'la.team-manager');
    expect(card?.intent).toMatchObject({ kind: 'ask-decision', after: 'handover' });
    expect(cardViewOf(card!).title).toBe('Stage 2: review and send');
    // The practitioner can no longer send it for them.
    expect(w.refused({ type: 'decision', by: person('la', 'practitioner'), choice: 'escalate' }).reason).toBe(
      'not-your-step',
    );
    w.send({
      type: 'decision',
      by: person('la', 'team-manager'),
      choice: 'escalate',
      statement: { issue: 'The reviewed account of the disagreement.' },
    });
    const [email] = emailsIn(w.last).filter((e) => e.template === 'discussion');
    expect(email!.from.id).toBe('la.team-manager');
    expect(email!.to.map((p) => p.id)).toEqual(['partner.team-manager']);
    expect(emailViewOf(email!).fields.find((f) => f.label === 'The problem identified')?.value).toBe(
      'The reviewed account of the disagreement.',
    );
    // It tells the other agency what happened at Stage 1.
    expect(emailViewOf(email!).paragraphs.join(' ')).toMatch(/What has happened so far: Stage 1/);
  });

  it("Dudley Stage 3b: the Director reviews the letter to the other agency's Director before it goes", () => {
    const w = raise(dudley, { urgency: dudley.urgencyLevels![1]!.id, hosts: ['la'] });
    walkTo(w, 2);
    for (let i = 0; i < 10 && w.s.stage.phase !== 'awaiting-decision'; i++) step(w, false);
    expect(w.s.stage.nextStageId).toBe('stage-3b');
    w.send({ type: 'decision', by: w.s.stage.awaiting!, choice: 'escalate' });
    expect(emailsIn(w.last).filter((e) => e.template === 'letter')).toEqual([]);
    expect(w.s.stage.awaiting?.id).toBe('la.director');
    w.send({ type: 'decision', by: person('la', 'director'), choice: 'escalate' });
    const [letter] = emailsIn(w.last).filter((e) => e.template === 'letter');
    expect(letter!.from.id).toBe('la.director');
    expect(letter!.to.map((p) => p.id)).toEqual(['partner.director']);
  });
});

describe('a step whose actor is in another tenant', () => {
  it('Solihull Stage 4: the independent chair mediates; a host-side party records the outcome in Teams and nothing is sent from the chair’s mailbox', () => {
    const w = raise(solihull, { hosts: ['la'] });
    walkTo(w, 3);
    for (let i = 0; i < 10 && w.s.stage.phase !== 'awaiting-outcome'; i++) step(w, false);
    expect(w.s.stage.actor?.organisationId).toBe('board');
    expect(w.s.stage.awaiting?.organisationId).toBe('la');
    const card = cardsIn(w.last).find((c) => c.card === 'outcome');
    expect(card?.to.organisationId).toBe('la');
    w.send({
      type: 'outcome-recorded',
      by: w.s.stage.awaiting!,
      resolved: true,
      summary: 'Mediated: agreed a joint review.',
      minutes: 'Minutes of the mediation meeting.',
    });
    expect(w.s.status).toBe('resolved');
    for (const email of emailsIn(w.effects)) expect(email.from.organisationId).toBe('la');
  });
});

describe('a final stage ends the ladder', () => {
  it('NEL Stage 4 is final: unresolved there offers the independent panel, not another stage', () => {
    const w = raise(nel, { hosts: ['la'] });
    walkTo(w, 4);
    for (let i = 0; i < 10 && w.s.stage.phase !== 'awaiting-decision' && w.s.status === 'open'; i++)
      step(w, false);
    const card = cardsIn(w.last).find((c) => c.card === 'decision');
    expect(card?.intent.kind).toBe('ask-final-referral');
  });
});

describe('a reassignment whose procedure requires a meeting when guidance does not resolve it', () => {
  it('IRO Stage 3: the service manager’s unresolved response books the meeting with the IRO within 5 working days, and the record returns to the IRO after it', () => {
    const w = raise(iro, { hosts: ['la', 'partner'] });
    walkTo(w, 2);
    const sm = w.s.stage.awaiting!;
    expect(sm.id).toBe('partner.service-manager');
    const card = cardsIn(w.effects)
      .filter((c) => c.to.id === sm.id && c.card === 'outcome')
      .at(-1);
    expect(cardViewOf(card!).title).toBe('Stage three: the record is reassigned to you');
    expect(cardViewOf(card!).text.join(' ')).toMatch(/the record returns to iro, la/);
    w.send({ type: 'outcome-recorded', by: sm, resolved: false, summary: 'Guidance could not resolve it.' });
    const [booking] = w.lastOf('book-meeting');
    expect(booking).toBeDefined();
    expect(booking!.convener.id).toBe('partner.service-manager');
    expect(booking!.attendees.map((a) => a.person.id).sort()).toEqual(['la.cssu-service-manager', 'la.iro']);
    expect(booking!.window.end).toBe(w.s.stage.due);
    expect(w.s.stage.phase).toBe('booking');
    w.booked().fire('meeting-end');
    expect(w.s.stage.awaiting?.id).toBe('partner.service-manager');
    w.send({
      type: 'outcome-recorded',
      by: sm,
      resolved: false,
      summary: 'Met; not agreed.',
      minutes: 'Minutes: the plan stays under review.',
    });
    expect(w.s.stage).toMatchObject({ phase: 'awaiting-owner', awaiting: { id: 'la.iro' } });
  });
});

describe('a referral the procedure says goes by a particular means', () => {
  it('IRO → CAFCASS "sent securely via the Egress email system": Concord prepares the referral for the IRO to send, and records when it went', () => {
    const w = raise(iro, { hosts: ['la', 'partner'] });
    walkTo(w, 5);
    for (let i = 0; i < 20 && !['awaiting-decision', 'awaiting-owner'].includes(w.s.stage.phase); i++)
      step(w, false);
    const owner = person('la', 'iro');
    expect(w.s.stage.awaiting?.id).toBe(owner.id);
    const route = iro.exceptionalRoutes.find((r) => r.means)!;
    w.send({
      type: 'exceptional-referral',
      by: owner,
      routeId: route.id,
      reason: 'The plan still does not meet the child’s needs.',
    });
    // Nothing goes to CAFCASS by ordinary email.
    expect(emailsIn(w.last).filter((e) => e.template === 'referral')).toEqual([]);
    const card = cardsIn(w.last).find((c) => c.intent.kind === 'send-referral-securely');
    expect(card?.to.id).toBe(owner.id);
    const view = cardViewOf(card!);
    expect(view.text.join(' ')).toContain(route.means!);
    expect(view.text.join(' ')).toContain(
      'Reason for the referral: The plan still does not meet the child’s needs.',
    );
    expect(view.text.join(' ')).toContain('case CASE-2026-007');
    // Stages 2–5 meet when guidance has not resolved it: each has two outcomes, labelled apart.
    const stagesSoFar = view.text.filter((l) => /^Stage (two|three|four)\b|^Director WCL\b/.test(l));
    expect(stagesSoFar.filter((l) => l.startsWith('Stage two, before the meeting: '))).toHaveLength(1);
    expect(stagesSoFar.filter((l) => l.startsWith('Stage two, at the meeting: '))).toHaveLength(1);
    expect(new Set(stagesSoFar).size).toBe(stagesSoFar.length);
    expect(view.actions.map((a) => a.verb)).toEqual(['referral-sent']);
    w.send({ type: 'referral-sent', by: owner, note: 'Sent on 12 January.' });
    const kinds = w.last.flatMap((e) => (e.type === 'record' && 'kind' in e.entry ? [e.entry.kind] : []));
    expect(kinds).toContain('referral-sent');
    expect(cardsIn(w.last).find((c) => c.card === 'outcome')?.to.id).toBe(owner.id);
    // The IRO then records what came of the referral.
    w.send({
      type: 'outcome-recorded',
      by: owner,
      resolved: true,
      summary: 'CAFCASS advised; the plan was amended.',
    });
    expect(w.s.status).toBe('resolved');
  });
});

describe('a step after the resolution that the procedure gives a time for', () => {
  it('IRO: "a LAC Review must be held within 4 weeks" is dated on the IRO’s card and reminded a week before, after the dispute has closed', () => {
    const w = raise(iro, { hosts: ['la', 'partner'] });
    walkTo(w, 1);
    w.send({
      type: 'outcome-recorded',
      by: w.s.stage.awaiting!,
      resolved: true,
      summary: 'Direction given.',
    });
    w.send({ type: 'resolved', by: person('la', 'iro'), summary: 'Authorised.' });
    expect(w.s.status).toBe('resolved');
    const card = cardsIn(w.last).find((c) => c.intent.kind === 'after-resolution');
    expect(card?.intent).toMatchObject({ step: 'plan-review', dueDate: '2026-12-21' });
    expect(cardViewOf(card!).text.join(' ')).toMatch(/due by Monday 21 December 2026/);
    w.fire('after-resolution-due', 'after');
    expect(w.now.toISOString()).toBe('2026-12-14T09:00:00.000Z');
    const reminder = cardsIn(w.last).find((c) => c.intent.kind === 'after-resolution');
    expect(cardViewOf(reminder!).title).toBe('Reminder: due by Monday 21 December 2026');
    expect(reminder?.to.id).toBe('la.iro');
  });
});
