/**
 * What the dispute service asks of its caller before deciding an event: the decide context (the
 * procedure version, the calendar, the role resolver) for a dispute, given the facts about it that
 * never change after the raise. Shared by the service (src/runtime/dispute-service.ts) and replay
 * (src/runtime/replay.ts).
 */
import type { DecideContext } from '../domain/dispute/decide-types.ts';
import type { DisputeEvent, DisputeState } from '../domain/dispute/types.ts';

/** What `contextFor` is told about the dispute the event is for. */
export interface ContextSubject {
  readonly disputeId: string;
  readonly procedureId: string;
  /** The version the dispute started under; null for a dispute being raised (use the current one). */
  readonly procedureVersion: string | null;
  readonly state: DisputeState | null;
  /**
   * The raising organisation (its division and closure days pick the calendar): from the state, or
   * for a dispute being raised from the `raised` event. Null only if neither is known.
   */
  readonly raisingOrganisationId: string | null;
}

/** The decide context minus `now`, which the service takes from its Clock. */
export type DecideEnvironment = Omit<DecideContext, 'now'>;
export type ContextFor = (subject: ContextSubject) => DecideEnvironment | Promise<DecideEnvironment>;

/** The organisation that raised the dispute: from its state, or from the event that raises it. */
export function raisingOrganisationOf(
  state: DisputeState | null,
  event: DisputeEvent | undefined,
): string | null {
  if (state) return state.raisingOrganisationId;
  return event?.type === 'raised' ? event.raisingOrganisationId : null;
}
