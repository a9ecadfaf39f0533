import type { ProcedureDefinition } from '../../../src/domain/procedure/schema.ts';
import { fixtureResolver, person, RAISE_DETAILS, raiseConfirmations, Walk } from './fixtures.ts';

/** Every role any procedure uses, held by someone on both sides and by the independent bodies. */
export function everyoneResolver(procedure: ProcedureDefinition, hosts?: readonly string[]) {
  const roles = procedure.roles.map((r) => r.id);
  return fixtureResolver({ la: roles, partner: roles, board: roles }, hosts);
}

/**
 * Raises a dispute between `la` (host tenant) and `partner` (another tenant, unless `hosts` says
 * both are in the host tenant, as in a single council's IRO procedure).
 */
export function raise(
  procedure: ProcedureDefinition,
  opts: { urgency?: string; start?: string; hosts?: readonly string[] } = {},
): Walk {
  const raiser = person('la', procedure.stages[0]!.actor.role);
  return new Walk(
    procedure,
    everyoneResolver(procedure, opts.hosts),
    opts.start ?? '2026-11-23T10:00:00Z',
  ).send({
    type: 'raised',
    disputeId: 'w1',
    by: raiser,
    immediateRiskChecked: true,
    caseReference: 'CASE-2026-007',
    raisingOrganisationId: 'la',
    counterpartOrganisationId: 'partner',
    category: procedure.categories[0]!.id,
    ...(opts.urgency ? { urgency: opts.urgency } : {}),
    ...raiseConfirmations(procedure),
    details: RAISE_DETAILS,
  });
}

/** Takes the natural next step for the dispute's phase; `resolve` makes that step settle the dispute. */
export function step(w: Walk, resolve: boolean): void {
  const s = w.s.stage;
  const by = s.awaiting ?? s.actor ?? w.s.owner;
  switch (s.phase) {
    case 'awaiting-decision':
      w.send({ type: 'decision', by, choice: 'escalate' });
      return;
    case 'informal-contact':
      w.send({ type: 'informal-outcome', by, resolved: resolve, summary: 'Informal contact made.' });
      return;
    case 'sending':
      w.delivered();
      return;
    case 'awaiting-response':
      w.send({
        type: 'reply-received',
        internetMessageId: `<reply-${s.id}@partner.example>`,
        fromEmail: 'x@partner.example',
        text: 'Our response.',
      });
      return;
    case 'awaiting-acknowledgement':
      w.send({ type: 'acknowledged', by, agreed: resolve });
      return;
    case 'booking':
      w.booked();
      return;
    case 'meeting-booked':
      w.fire('meeting-end');
      return;
    case 'awaiting-outcome':
    case 'exceptional':
      w.send({
        type: 'outcome-recorded',
        by,
        resolved: resolve,
        summary: resolve ? 'Agreed a way forward.' : 'No agreement.',
        minutes: 'Minutes of the meeting.',
      });
      return;
    case 'awaiting-owner':
      if (resolve) w.send({ type: 'resolved', by, summary: 'Authorised as resolved.' });
      else w.send({ type: 'decision', by, choice: 'escalate' });
      return;
    case 'ended':
      throw new Error('the dispute has ended');
  }
}

/** Escalates until the dispute is in stage `index` and waiting on someone in it. */
export function walkTo(w: Walk, index: number): Walk {
  for (
    let i = 0;
    i < 60 &&
    !(
      w.s.stage.index === index &&
      w.s.stage.phase !== 'awaiting-decision' &&
      w.s.stage.phase !== 'awaiting-owner'
    );
    i++
  ) {
    step(w, false);
  }
  if (w.s.stage.index !== index)
    throw new Error(`did not reach stage ${index}: at ${w.s.stage.id} ${w.s.stage.phase}`);
  return w;
}

/** Runs steps with `resolve` until the dispute ends or waits for a decision it cannot take itself. */
export function settle(w: Walk, resolve: boolean): Walk {
  for (let i = 0; i < 60 && w.s.status === 'open'; i++) {
    const before = w.s.stage.index;
    const atFinal = !w.s.stage.nextStageId && w.s.stage.index === w.procedure.stages.length - 1;
    if (!resolve && ['awaiting-decision', 'awaiting-owner'].includes(w.s.stage.phase) && atFinal) return w;
    step(w, resolve);
    if (!resolve && w.s.stage.index !== before) return w;
  }
  return w;
}
