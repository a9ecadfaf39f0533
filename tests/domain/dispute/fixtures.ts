import { cardViewOf } from '../../../src/cards/wording/cards.ts';
import { refusalText } from '../../../src/cards/wording/refusals.ts';
import { bundledCalendar } from '../../../src/domain/calendar/index.ts';
import { decide } from '../../../src/domain/dispute/decide.ts';
import type { DecideContext } from '../../../src/domain/dispute/decide-types.ts';
import type {
  CardView,
  DisputeEvent,
  DisputeState,
  Effect,
  PersonRef,
  RoleResolver,
} from '../../../src/domain/dispute/types.ts';
import type { ProcedureDefinition } from '../../../src/domain/procedure/schema.ts';

/** Fictional people: a role in an organisation, plus independent roles keyed by role alone. */
export function person(org: string, role: string): PersonRef {
  return {
    id: `${org}.${role}`,
    name: `${role.replace(/-/g, ' ')}, ${org}`,
    email: `${role}@${org}.example`,
    organisationId: org,
  };
}

/**
 * `hosts`: the organisations in the host tenant (reached in Teams); the rest are reached by email.
 * Without it, the raising organisation is the host (the domain's fallback).
 */
export function fixtureResolver(roles: Record<string, string[]>, hosts?: readonly string[]): RoleResolver {
  return {
    ...(hosts ? { inHostTenant: (p: PersonRef) => hosts.includes(p.organisationId) } : {}),
    resolve({ party, dispute }) {
      const org =
        party.side === 'raising'
          ? dispute.raisingOrganisationId
          : party.side === 'counterpart'
            ? dispute.counterpartOrganisationId
            : 'board';
      return roles[org]?.includes(party.role) ? person(org, party.role) : null;
    },
  };
}

/** Drives one dispute through decide with a simulated clock, keeping every effect. */
export class Walk {
  state: DisputeState | null = null;
  effects: Effect[] = [];
  last: Effect[] = [];
  now: Date;

  constructor(
    readonly procedure: ProcedureDefinition,
    readonly resolver: RoleResolver,
    start: string,
    readonly division: 'england-and-wales' | 'scotland' | 'northern-ireland' = 'england-and-wales',
  ) {
    this.now = new Date(start);
  }

  ctx(): DecideContext {
    return {
      procedure: this.procedure,
      calendar: bundledCalendar(this.division),
      now: this.now.toISOString(),
      resolver: this.resolver,
    };
  }

  at(iso: string): this {
    this.now = new Date(iso);
    return this;
  }

  /** Applies an event and throws if it is refused, so a test reads as a story. */
  send(event: DisputeEvent): this {
    const result = decide(this.state, event, this.ctx());
    if (!result.ok)
      throw new Error(`refused ${event.type}: ${result.refusal.reason}: ${refusalText(result.refusal)}`);
    this.state = result.state;
    this.last = [...result.effects];
    this.effects.push(...result.effects);
    return this;
  }

  refused(event: DisputeEvent) {
    const result = decide(this.state, event, this.ctx());
    if (result.ok) throw new Error(`expected ${event.type} to be refused`);
    return result.refusal;
  }

  get s(): DisputeState {
    if (!this.state) throw new Error('not raised');
    return this.state;
  }

  lastOf<T extends Effect['type']>(type: T): Extract<Effect, { type: T }>[] {
    return this.last.filter((e) => e.type === type) as Extract<Effect, { type: T }>[];
  }

  /** Feeds back the ids the Graph adapter would report for every email just sent. */
  delivered(): this {
    for (const e of this.lastOf('send-email')) {
      if (e.kind === 'notice') continue;
      this.send({
        type: 'message-sent',
        effectKey: e.key,
        kind: e.kind,
        internetMessageId: `<${e.key}@mail.example>`,
        conversationId: `conv-${this.s.stage.id}`,
      });
    }
    return this;
  }

  /** Fires the timer set with this kind for the current stage (or overall). */
  fire(kind: string, stageId = this.s.stage.id): this {
    const timer = [...this.effects]
      .reverse()
      .find((e) => e.type === 'set-timer' && e.kind === kind && e.stageId === stageId);
    if (!timer || timer.type !== 'set-timer') throw new Error(`no ${kind} timer for ${stageId}`);
    this.now = new Date(timer.at);
    return this.send({ type: 'timer-fired', key: timer.key, kind: timer.kind, stageId: timer.stageId });
  }

  /** Books the meeting from the last book-meeting effect at its window start + 1 day. */
  booked(startIso?: string): this {
    const book = [...this.effects].reverse().find((e) => e.type === 'book-meeting');
    if (!book || book.type !== 'book-meeting') throw new Error('no meeting to book');
    const start = startIso ?? new Date(new Date(book.window.start).getTime() + 86_400_000).toISOString();
    const end = new Date(new Date(start).getTime() + book.durationMinutes * 60_000).toISOString();
    return this.send({
      type: 'meeting-booked',
      effectKey: book.key,
      eventId: `event-${book.key}`,
      start,
      end,
      joinUrl: 'https://teams.example/join/1',
    });
  }
}

export const RAISE_DETAILS = {
  issue: 'The agreed plan for life-story work has not been acted upon.',
  informalAttempts: 'Discussed with the allocated social worker on 2 Nov; no change.',
  resolutionSought: 'Life-story work started within two weeks.',
};

/**
 * What a raiser confirms for `procedure` beyond the form: that the dispute is none of its
 * out-of-scope matters (Solihull, NEL), and, where it covers children and adults, who it is about.
 */
export function raiseConfirmations(
  procedure: Pick<ProcedureDefinition, 'outOfScope' | 'appliesTo'>,
  about: 'child' | 'adult' = 'child',
): { outOfScopeConfirmed?: true; about?: 'child' | 'adult' } {
  return {
    ...(procedure.outOfScope.length > 0 ? { outOfScopeConfirmed: true as const } : {}),
    ...(procedure.appliesTo === 'children-and-adults' ? { about } : {}),
  };
}

/** A `send-card` effect as its recipient reads it (undefined when there is no such card). */
export function cardOf(effect: Extract<Effect, { type: 'send-card' }> | undefined): CardView | undefined {
  return effect && cardViewOf(effect);
}
