/**
 * A small stand-in for `decide` used by the store and runtime tests: it emits the effect shapes the
 * runtime handles (set-timer, cancel-timer, record, send-email, send-card) without any procedure
 * logic. The state it returns is a structurally valid `DisputeState`.
 *
 * - `raised`: sets the timers `plan` asks for and sends a welcome email.
 * - `timer-fired`: refused as `stale-timer` if unknown or already fired; else records it and sends
 *   an email keyed `<timerKey>:email`.
 * - `message-sent`: notes the effect key in `informed` (so the feedback loop is visible in state).
 * - `closed`: cancels every pending timer and ends the dispute.
 */
import type { Decide, DecideContext } from '../../src/domain/dispute/decide-types.ts';
import type { DisputeState, Effect, PersonRef, TimerKind } from '../../src/domain/dispute/types.ts';
import type { ContextFor } from '../../src/runtime/dispute-service.ts';

export interface PlannedTimer {
  readonly name: string;
  readonly kind: TimerKind;
  readonly at: Date;
}

export interface FakeDecideOptions {
  /** Timers to set when a dispute is raised, given its id and now. */
  readonly plan: (disputeId: string, now: Date) => readonly PlannedTimer[];
}

export const OWNER: PersonRef = {
  id: 'p-owner',
  name: 'Olive Owner',
  email: 'olive@host.example',
  organisationId: 'org-a',
};

interface FakeExtras {
  readonly pendingTimers: readonly string[];
  readonly firedTimers: readonly string[];
}
type FakeState = DisputeState & { readonly fake: FakeExtras };

export function createFakeDecide(options: FakeDecideOptions): Decide {
  return (state, event, ctx) => {
    const now = new Date(ctx.now);
    if (event.type === 'raised') {
      if (state)
        return { ok: false, refusal: { reason: 'already-raised', code: 'already-raised', params: {} } };
      const timers = options.plan(event.disputeId, now);
      const base = initialState(event.disputeId, event.caseReference, ctx);
      const next: FakeState = {
        ...base,
        fake: { pendingTimers: timers.map((t) => `${event.disputeId}:${t.name}`), firedTimers: [] },
      };
      const effects: Effect[] = timers.map((t) => ({
        type: 'set-timer',
        key: `${event.disputeId}:${t.name}`,
        at: t.at.toISOString(),
        kind: t.kind,
        stageId: 'stage-1',
      }));
      effects.push(email(`${event.disputeId}:welcome`, event.disputeId));
      effects.push(record(`${event.disputeId}:raised:record`, 'Dispute raised', ctx.now));
      return { ok: true, state: next, effects };
    }
    if (!state) return { ok: false, refusal: { reason: 'not-raised', code: 'not-raised', params: {} } };
    const current = state as FakeState;
    const seq = current.seq + 1;
    switch (event.type) {
      case 'timer-fired': {
        if (!current.fake.pendingTimers.includes(event.key)) {
          return { ok: false, refusal: { reason: 'stale-timer', code: 'timer-earlier-stage', params: {} } };
        }
        const next: FakeState = {
          ...current,
          seq,
          stage: { ...current.stage, overdue: event.kind === 'stage-deadline' || current.stage.overdue },
          fake: {
            pendingTimers: current.fake.pendingTimers.filter((key) => key !== event.key),
            firedTimers: [...current.fake.firedTimers, event.key],
          },
        };
        return {
          ok: true,
          state: next,
          effects: [
            email(`${event.key}:email`, current.id),
            record(`${event.key}:record`, `Timer ${event.kind} at ${now.toISOString()}`, ctx.now),
          ],
        };
      }
      case 'message-sent':
        return {
          ok: true,
          state: { ...current, seq, informed: [...current.informed, event.effectKey] },
          effects: [],
        };
      case 'closed':
        return {
          ok: true,
          state: {
            ...current,
            seq,
            status: 'closed',
            endedAt: ctx.now,
            fake: { ...current.fake, pendingTimers: [] },
          } as FakeState,
          effects: current.fake.pendingTimers.map((key) => ({ type: 'cancel-timer', key })),
        };
      default:
        return {
          ok: false,
          refusal: { reason: 'wrong-phase', code: 'not-now', params: { phase: event.type } },
        };
    }
  };
}

function initialState(id: string, caseReference: string, ctx: DecideContext): DisputeState {
  return {
    id,
    procedureId: ctx.procedure.id,
    procedureVersion: ctx.procedure.version,
    status: 'open',
    caseReference,
    raisingOrganisationId: 'org-a',
    counterpartOrganisationId: 'org-b',
    category: 'test',
    urgency: null,
    details: { issue: 'secret issue', informalAttempts: 'none', resolutionSought: 'agreement' },
    raisedBy: OWNER,
    raisedAt: ctx.now,
    owner: OWNER,
    stage: {
      id: 'stage-1',
      index: 1,
      startedAt: ctx.now,
      due: null,
      dueDate: null,
      phase: 'awaiting-response',
      awaiting: null,
      actor: null,
      thread: [],
      meeting: null,
      overdue: false,
      chases: 0,
    },
    formalStartedAt: ctx.now,
    overallDue: null,
    outcomes: [],
    participants: [],
    informed: [],
    exceptionalRoute: null,
    endedAt: null,
    seq: 1,
  };
}

function email(key: string, disputeId: string): Effect {
  return {
    type: 'send-email',
    key,
    from: OWNER,
    to: [OWNER],
    cc: [],
    importance: 'high',
    template: 'inform',
    kind: 'statement',
    message: {
      kind: 'inform',
      quote: 'notice',
      details: { category: '', issue: '', informalAttempts: '', resolutionSought: '' },
    },
    frame: {
      disputeId,
      caseReference: 'CR',
      procedureName: 'Fake',
      procedureShortName: 'Fake',
      stageName: 'Stage 1',
    },
  };
}

function record(key: string, summary: string, at: string): Effect {
  return {
    type: 'record',
    key,
    entry: { stageId: 'stage-1', stageName: 'Stage 1', contactType: 'system', between: [], summary, at },
  };
}

/** A `contextFor` good enough for the fake decide: a procedure stub with id and version. */
export const fakeContextFor: ContextFor = (subject) =>
  ({
    procedure: { id: subject.procedureId, version: subject.procedureVersion ?? '1' },
    calendar: {},
    resolver: { resolve: () => null },
  }) as unknown as ReturnType<ContextFor> as never;

export function raisedEvent(disputeId: string) {
  return {
    type: 'raised' as const,
    disputeId,
    by: OWNER,
    immediateRiskChecked: true as const,
    caseReference: `CR-${disputeId}`,
    raisingOrganisationId: 'org-a',
    counterpartOrganisationId: 'org-b',
    category: 'test',
    details: { issue: 'secret issue', informalAttempts: 'none', resolutionSought: 'agreement' },
  };
}
