/**
 * The Team Manager's review of the Stage 1 email names who will receive it: the counterpart the
 * directory finds, with their role, not "their counterpart".
 */
import { describe, expect, it } from 'vitest';
import { cardForEffect, recipientLabel } from '../../src/bot/step-cards.ts';
import { unescapeCardText } from '../../src/cards/escape.ts';
import { cardViewOf } from '../../src/cards/wording/cards.ts';
import type { Effect } from '../../src/domain/dispute/types.ts';
import { getProcedure } from '../../src/procedures/index.ts';
import {
  fixtureResolver,
  person,
  RAISE_DETAILS,
  raiseConfirmations,
  Walk,
} from '../domain/dispute/fixtures.ts';
import { raise } from '../domain/dispute/walker.ts';

type SendCard = Extract<Effect, { type: 'send-card' }>;

describe('the review card names the recipient', () => {
  it('the decision on Stage 1 carries the counterpart the directory found, and the card says "To: <name>", the role once', () => {
    const ane = getProcedure('ane');
    if (!ane) throw new Error('ane');
    const w = raise(ane);
    const decision = w.effects.find(
      (e): e is SendCard => e.type === 'send-card' && e.intent.kind === 'ask-decision',
    );
    expect(decision?.intent.kind === 'ask-decision' && decision.intent.recipients).toEqual([
      { name: 'team manager, partner', role: 'Team Manager' },
    ]);
    if (!decision) return;
    const card = cardForEffect({
      state: w.s,
      procedure: ane,
      viewerId: decision.to.id,
      now: w.now.toISOString(),
      kind: decision.card,
      intent: decision.intent,
      view: cardViewOf(decision),
      recipientName: decision.to.name,
    });
    const factSet = (card.body as { type: string; facts?: { title: string; value: string }[] }[]).find(
      (b) => b.type === 'FactSet',
    );
    const to = factSet?.facts?.find((f) => f.title === 'To')?.value ?? '';
    // The directory's name already says the role: it is not repeated in brackets.
    expect(unescapeCardText(to)).toBe('team manager, partner');
    expect(JSON.stringify(card)).not.toContain('their counterpart');
  });

  it('the role is added in brackets only where the name does not say it', () => {
    expect(recipientLabel('Jo Bloggs', 'Team Manager')).toBe('Jo Bloggs (Team Manager)');
    // IRO's role carries its abbreviation in brackets; the name says the rest.
    expect(
      recipientLabel(
        'Independent Reviewing Officer, Northborough CSSU',
        'Independent Reviewing Officer (IRO)',
      ),
    ).toBe('Independent Reviewing Officer, Northborough CSSU');
    expect(
      recipientLabel(
        'Service Manager for Social Care, Northborough Children’s Social Care',
        'service manager for social care',
      ),
    ).toBe('Service Manager for Social Care, Northborough Children’s Social Care');
  });
});

describe('where the directory holds nobody to receive it', () => {
  /** ANE raised between `la` and `partner`, where `partner` has every role but the Team Manager. */
  function withoutPartnerTeamManager() {
    const ane = getProcedure('ane');
    if (!ane) throw new Error('ane');
    const roles = ane.roles.map((r) => r.id);
    const base = fixtureResolver({
      la: roles,
      partner: roles.filter((r) => r !== 'team-manager'),
      board: roles,
    });
    const resolver = {
      ...base,
      organisationName: (id: string) => (id === 'partner' ? 'Newcastle City Council' : null),
    };
    const w = new Walk(ane, resolver, '2026-11-23T10:00:00Z').send({
      type: 'raised',
      disputeId: 'w-missing',
      by: person('la', ane.stages[0]!.actor.role),
      immediateRiskChecked: true,
      caseReference: 'CASE-2026-008',
      raisingOrganisationId: 'la',
      counterpartOrganisationId: 'partner',
      category: ane.categories[0]!.id,
      ...raiseConfirmations(ane),
      details: RAISE_DETAILS,
    });
    return { ane, w };
  }

  it('the review card says nobody is found at the partner, by name, and what to do, never a role id', () => {
    const { ane, w } = withoutPartnerTeamManager();
    const decision = w.effects.find(
      (e): e is SendCard => e.type === 'send-card' && e.intent.kind === 'ask-decision',
    );
    if (!decision) throw new Error('no decision card');
    const card = cardForEffect({
      state: w.s,
      procedure: ane,
      viewerId: decision.to.id,
      now: w.now.toISOString(),
      kind: decision.card,
      intent: decision.intent,
      view: cardViewOf(decision),
      recipientName: decision.to.name,
    });
    const body = card.body as {
      type: string;
      items?: { text?: string }[];
      facts?: { title: string; value: string }[];
    }[];
    const to = body.find((b) => b.type === 'FactSet')?.facts?.find((f) => f.title === 'To')?.value ?? '';
    expect(unescapeCardText(to)).toBe(
      'nobody found: no Team Manager at Newcastle City Council in the directory',
    );
    const notice = body.find(
      (b) => b.type === 'Container' && (b as { style?: string }).style === 'attention',
    );
    expect(unescapeCardText(notice?.items?.[0]?.text ?? '')).toBe(
      'Concord cannot send this email yet: its directory has no Team Manager at Newcastle City Council. Ask your Concord administrator to add them to the directory, then send it from this card.',
    );
    const json = JSON.stringify(card);
    expect(json).not.toMatch(/"value":"[^"]*team-manager/);
    expect(json).not.toContain('the counterpart');
  });

  it('with everyone found, the card carries no such notice', () => {
    const ane = getProcedure('ane');
    if (!ane) throw new Error('ane');
    const w = raise(ane);
    const decision = w.effects.find(
      (e): e is SendCard => e.type === 'send-card' && e.intent.kind === 'ask-decision',
    );
    if (!decision) throw new Error('no decision card');
    const card = cardForEffect({
      state: w.s,
      procedure: ane,
      viewerId: decision.to.id,
      now: w.now.toISOString(),
      kind: decision.card,
      intent: decision.intent,
      view: cardViewOf(decision),
      recipientName: decision.to.name,
    });
    expect(JSON.stringify(card)).not.toContain('cannot send this email yet');
  });
});

describe('an email handed to its sender to review', () => {
  it('Dudley Stage 2: the line manager’s review card says who decided on the stage', () => {
    const dudley = getProcedure('dudley-dscb');
    if (!dudley) throw new Error('dudley-dscb');
    const w = raise(dudley, { urgency: dudley.urgencyLevels?.[1]?.id, hosts: ['la'] }).delivered();
    const first = w.s.stage.awaiting;
    if (!first) throw new Error('nobody awaited');
    w.send({ type: 'outcome-recorded', by: first, resolved: false, summary: 'No agreement.' });
    const practitioner = person('la', 'practitioner');
    w.send({ type: 'decision', by: practitioner, choice: 'escalate' });
    const handover = w.last.find(
      (e): e is SendCard => e.type === 'send-card' && e.to.id === 'la.team-manager',
    );
    if (!handover) throw new Error('no card to the team manager');
    const card = cardForEffect({
      state: w.s,
      procedure: dudley,
      viewerId: handover.to.id,
      now: w.now.toISOString(),
      kind: handover.card,
      intent: handover.intent,
      view: cardViewOf(handover),
      recipientName: handover.to.name,
    });
    const text = unescapeCardText(JSON.stringify(card));
    expect(text).toContain('Review the Stage 2 email');
    expect(text).toContain(`${practitioner.name} decided to take this to Stage 2. It goes out in your name.`);
  });
});
