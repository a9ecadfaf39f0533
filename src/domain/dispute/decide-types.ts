import type { WorkingCalendar } from '../calendar/index.ts';
import type { ProcedureDefinition } from '../procedure/schema.ts';
import type {
  DisputeEvent,
  DisputeEventType,
  DisputeState,
  Effect,
  Instant,
  Refusal,
  RoleResolver,
} from './types.ts';

/** Everything `decide` may consult. Supplied by the shell; nothing here does I/O. */
export interface DecideContext {
  /** The procedure version the dispute started under (never the newest, for a running dispute). */
  readonly procedure: ProcedureDefinition;
  /** The working-day calendar of the raising organisation's division and closure days. */
  readonly calendar: WorkingCalendar;
  readonly now: Instant;
  readonly resolver: RoleResolver;
}

export type DecideResult =
  | { readonly ok: true; readonly state: DisputeState; readonly effects: readonly Effect[] }
  | { readonly ok: false; readonly refusal: Refusal };

/** The pure transition: `decide(state, event, ctx)`. `state` is null only for `raised`. */
export type Decide = (state: DisputeState | null, event: DisputeEvent, ctx: DecideContext) => DecideResult;

/** One event type's shape, picked out of the union by its `type`. */
export type EventOf<K extends DisputeEventType> = Extract<DisputeEvent, { type: K }>;
