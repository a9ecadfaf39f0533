/**
 * What every part of the conversation shares: the turn's shapes (`Incoming`, `Outgoing`), the
 * dependencies, and a small context built from them once (the clock as an ISO string, procedure
 * lookup, the logger). The router (`conversation.ts`) and its parts (commands, the raise wizard,
 * step actions, card freshness, "act as") all take a `BotContext`.
 */
import { randomUUID } from 'node:crypto';
import type { AdaptiveCardJson } from '../cards/index.ts';
import type { DisputeState, Refusal } from '../domain/dispute/types.ts';
import type { ProcedureDefinition } from '../domain/procedure/schema.ts';
import type { Logger } from '../log/index.ts';
import { silentLogger } from '../log/index.ts';
import type {
  ActingAs,
  BotClock,
  BotPerson,
  CardStateStore,
  DisputeGateway,
  DraftStore,
  PeopleDirectory,
  TeamsIdentity,
} from './ports.ts';

export type Incoming =
  | { readonly kind: 'install'; readonly identity: TeamsIdentity; readonly userName?: string | null }
  | { readonly kind: 'message'; readonly identity: TeamsIdentity; readonly text: string }
  | {
      readonly kind: 'action';
      readonly identity: TeamsIdentity;
      readonly verb: string;
      /** The action's data merged with the card's input values. */
      readonly data: Readonly<Record<string, unknown>>;
    };

export interface Outgoing {
  /** Replaces the card that was clicked (the invoke response, or an update of the Submit's card). */
  readonly update?: AdaptiveCardJson;
  /** New messages, in order. */
  readonly send: readonly ({ readonly text: string } | { readonly card: AdaptiveCardJson })[];
  /** With no `update`: what an Action.Execute's invoke response says (a short notice), instead of "Done.". */
  readonly notice?: string;
}

/** Whether "act as" may be used: only in local mode (no BOT_ID) and never with NODE_ENV=production. */
export interface LocalModePolicy {
  readonly allowed: boolean;
  /** Said to the person when it is not. */
  readonly refusal: string;
}

export interface ConversationDeps {
  readonly people: PeopleDirectory;
  readonly disputes: DisputeGateway;
  readonly drafts: DraftStore;
  readonly cards: CardStateStore;
  readonly procedures: ReadonlyMap<string, ProcedureDefinition>;
  readonly clock: BotClock;
  /** Present only in local mode. */
  readonly actingAs?: ActingAs | null;
  readonly localMode: LocalModePolicy;
  readonly newId?: () => string;
  readonly log?: Logger;
}

export interface BotContext extends Omit<ConversationDeps, 'newId' | 'log'> {
  readonly newId: () => string;
  readonly log: Logger;
  /** The clock's instant as an ISO string. */
  now(): string;
  procedureFor(id: string | undefined): ProcedureDefinition | undefined;
}

export function createContext(deps: ConversationDeps): BotContext {
  const { procedures, clock } = deps;
  return {
    ...deps,
    newId: deps.newId ?? randomUUID,
    log: (deps.log ?? silentLogger()).child({ component: 'bot-conversation' }),
    now: () => clock.now().toISOString(),
    procedureFor: (id) => (id ? procedures.get(id) : undefined),
  };
}

export const text = (t: string) => ({ text: t });
export const card = (c: AdaptiveCardJson) => ({ card: c });

export const UNKNOWN_PERSON: Refusal = { reason: 'role-unresolved', code: 'unknown-person', params: {} };

export const NO_SUCH_DISPUTE: Refusal = { reason: 'not-raised', code: 'not-raised', params: {} };

/** The only thing a person not taking part in a dispute is told about it. */
export const NOT_YOURS: Refusal = { reason: 'not-your-step', code: 'not-involved', params: {} };

/** Whether `personId` takes part in the dispute: raised it, owns it, is awaited or took part. */
export function isParty(state: DisputeState, personId: string): boolean {
  return [state.raisedBy, state.owner, state.stage.awaiting, ...state.participants].some(
    (p) => p?.id === personId,
  );
}

/** A card input's text, or undefined when absent or blank. */
export function str(data: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const v = data[key];
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

export type { BotPerson };
