/**
 * Property: no sequence of events skips a stage the procedure does not let you skip. Events are
 * chosen at random but built from the current state (the awaiting person acts, the right meeting
 * is answered), so walks reach the final stages; refusals are part of the walk.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roleVocabulary } from '../../../src/directory/roles.ts';
import { bundledCalendar } from '../../../src/domain/calendar/index.ts';
import { decide } from '../../../src/domain/dispute/decide.ts';
import type { DisputeEvent, DisputeState } from '../../../src/domain/dispute/types.ts';
import { getProcedure, loadProcedures, PROCEDURE_IDS } from '../../../src/procedures/index.ts';
import { fixtureResolver, person, RAISE_DETAILS, raiseConfirmations } from './fixtures.ts';

const KINDS = [
  'escalate',
  'informal',
  'accept',
  'informal-resolved',
  'informal-unresolved',
  'sent',
  'reply',
  'agreed',
  'not-agreed',
  'chase',
  'deadline',
  'booked',
  'declined',
  'held',
  'outcome-resolved',
  'outcome-unresolved',
  'bypass',
  'refer',
  'resolved',
  'withdraw',
  'intruder',
] as const;

/** The event that moves the dispute on from its phase, towards escalation. */
const GUIDED: Record<DisputeState['stage']['phase'], (typeof KINDS)[number]> = {
  'awaiting-decision': 'escalate',
  'informal-contact': 'informal-unresolved',
  sending: 'sent',
  'awaiting-response': 'reply',
  'awaiting-acknowledgement': 'not-agreed',
  booking: 'booked',
  'meeting-booked': 'held',
  'awaiting-outcome': 'outcome-unresolved',
  'awaiting-owner': 'escalate',
  exceptional: 'outcome-unresolved',
  ended: 'resolved',
};

function eventFor(
  kind: (typeof KINDS)[number],
  pick: number,
  s: DisputeState,
  procedureId: string,
): DisputeEvent {
  const procedure = getProcedure(procedureId)!;
  const by = s.stage.awaiting ?? s.stage.actor ?? s.owner;
  const meeting = s.stage.meeting;
  switch (kind) {
    case 'escalate':
    case 'informal':
    case 'accept':
      return { type: 'decision', by, choice: kind, agreedWorkingDays: 5 };
    case 'informal-resolved':
    case 'informal-unresolved':
      return {
        type: 'informal-outcome',
        by,
        resolved: kind === 'informal-resolved',
        summary: 'Informal contact.',
      };
    case 'sent':
      return {
        type: 'message-sent',
        effectKey: `k${pick}`,
        kind: 'statement',
        internetMessageId: `<m${pick}@x>`,
        conversationId: 'c',
      };
    case 'reply':
      return {
        type: 'reply-received',
        internetMessageId: `<r${pick}@x>`,
        fromEmail: 'x@gateshead.example',
        text: 'Reply.',
      };
    case 'agreed':
    case 'not-agreed':
      return { type: 'acknowledged', by, agreed: kind === 'agreed' };
    case 'chase':
      return { type: 'chase', by };
    case 'deadline':
      return {
        type: 'timer-fired',
        key: `${s.id}:${s.stage.id}:stage-deadline`,
        kind: 'stage-deadline',
        stageId: s.stage.id,
      };
    case 'booked':
      return {
        type: 'meeting-booked',
        effectKey: 'k',
        eventId: `e${pick}`,
        start: '2026-12-01T10:00:00.000Z',
        end: '2026-12-01T11:00:00.000Z',
      };
    case 'declined':
      return {
        type: 'meeting-response',
        eventId: meeting?.eventId ?? 'none',
        attendeeEmail: meeting?.attendees[pick % Math.max(1, meeting.attendees.length)]?.person.email ?? '',
        response: 'declined',
      };
    case 'held':
      return { type: 'meeting-held', eventId: meeting?.eventId ?? 'none' };
    case 'outcome-resolved':
    case 'outcome-unresolved':
      return {
        type: 'outcome-recorded',
        by,
        resolved: kind === 'outcome-resolved',
        summary: 'Outcome.',
        minutes: 'Minutes.',
      };
    case 'bypass': {
      const target = procedure.stages[pick % procedure.stages.length]!;
      return { type: 'bypass', by: s.owner, toStageId: target.id, reason: 'Bypass.' };
    }
    case 'refer': {
      const route = procedure.exceptionalRoutes[pick % Math.max(1, procedure.exceptionalRoutes.length)];
      return { type: 'exceptional-referral', by, routeId: route?.id ?? 'none', reason: 'Referral.' };
    }
    case 'resolved':
      return { type: 'resolved', by: s.owner, summary: 'Resolved.' };
    case 'withdraw':
      return { type: 'withdrawn', by: s.raisedBy, reason: 'Withdrawn.' };
    case 'intruder':
      return { type: 'decision', by: person('gateshead', 'team-manager'), choice: 'escalate' };
  }
}

/** Everyone holds every role the procedures use, on both sides and on the board. */
const ALL_ROLES: readonly string[] = [...roleVocabulary(loadProcedures().values()).keys()];

describe.each(PROCEDURE_IDS.map((id) => [id]))('%s: stage order', (procedureId) => {
  const procedure = getProcedure(procedureId)!;
  const roles = [...ALL_ROLES, ...procedure.roles.map((r) => r.id)];
  const resolver = fixtureResolver({ ane: roles, gateshead: roles, board: roles });
  const raiserRole = procedure.stages[0]!.actor.role;

  it('never moves past a stage unless the procedure allows a bypass, and never leaves an ending', () => {
    let deepest = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            kind: fc.constantFrom(...KINDS),
            guided: fc.nat(11),
            pick: fc.nat(50),
            days: fc.nat(3),
          }),
          { minLength: 30, maxLength: 100 },
        ),
        (steps) => {
          let now = new Date('2026-11-23T10:00:00Z');
          const ctx = () => ({
            procedure,
            calendar: bundledCalendar('england-and-wales'),
            now: now.toISOString(),
            resolver,
          });
          const raised = decide(
            null,
            {
              type: 'raised',
              disputeId: 'p1',
              by: person('ane', raiserRole),
              immediateRiskChecked: true,
              caseReference: 'REF-1',
              raisingOrganisationId: 'ane',
              counterpartOrganisationId: 'gateshead',
              category: procedure.categories[0]!.id,
              ...(procedure.urgencyLevels
                ? { urgency: procedure.urgencyLevels[procedure.urgencyLevels.length - 1]!.id }
                : {}),
              ...raiseConfirmations(procedure),
              details: RAISE_DETAILS,
            },
            ctx(),
          );
          expect(raised.ok).toBe(true);
          if (!raised.ok) return;
          let state = raised.state;
          for (const step of steps) {
            now = new Date(now.getTime() + step.days * 86_400_000);
            const kind = step.guided > 0 ? GUIDED[state.stage.phase] : step.kind;
            const event = eventFor(kind, step.pick, state, procedureId);
            const result = decide(state, event, ctx());
            if (!result.ok) continue;
            const before = state;
            const after = result.state;
            const jump = after.stage.index - before.stage.index;
            if (jump > 1) {
              expect(event.type).toBe('bypass');
              expect(procedure.stageOrder.bypass).not.toBe(false);
            }
            expect(jump).toBeGreaterThanOrEqual(0);
            if (before.status !== 'open') {
              // After an ending only the record can be closed; a late delivery report just joins the thread.
              expect(['closed', 'message-sent']).toContain(event.type);
              if (event.type === 'message-sent') expect(after.status).toBe(before.status);
              expect(after.stage.id).toBe(before.stage.id);
            }
            expect(after.seq).toBe(before.seq + 1);
            for (const effect of result.effects) expect(effect.key.startsWith('p1:')).toBe(true);
            state = after;
            deepest = Math.max(deepest, state.stage.index);
          }
        },
      ),
      { numRuns: 300 },
    );
    // The walks are only evidence if they reach the final stage.
    expect(deepest).toBe(procedure.stages.length - 1);
  });
});
