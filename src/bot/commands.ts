/**
 * Typed commands in personal chat, routed by a table of `{ match, run }` rows: the first row whose
 * `match` fits the normalised text runs. Rows marked `anyone` also answer people the directory
 * does not know; the others need a directory person.
 */
import { actAs } from './act-as.ts';
import { type BotContext, card, type Outgoing, text, UNKNOWN_PERSON } from './context.ts';
import { errorCard, helpCard, myDisputesCard } from './general-cards.ts';
import type { BotPerson, TeamsIdentity } from './ports.ts';
import { discardDraft, startRaise } from './raise-wizard.ts';

export interface CommandTurn {
  readonly ctx: BotContext;
  readonly identity: TeamsIdentity;
  /** Who Teams says this is. */
  readonly real: BotPerson | null;
  /** Who they act as (local mode), else `real`. */
  readonly person: BotPerson | null;
  /** The match's capture groups. */
  readonly args: readonly string[];
}

type Reply = Promise<Outgoing> | Outgoing;

export type Command =
  | { readonly match: RegExp; readonly anyone: true; readonly run: (turn: CommandTurn) => Reply }
  | {
      readonly match: RegExp;
      readonly anyone?: false;
      readonly run: (turn: CommandTurn & { readonly person: BotPerson }) => Reply;
    };

export const COMMANDS: readonly Command[] = [
  {
    match: /^act as\s*(.*)$/,
    anyone: true,
    run: ({ ctx, identity, real, args }) => actAs(ctx, identity, real, args[0] ?? ''),
  },
  { match: /^(help|\?|)$/, anyone: true, run: ({ ctx }) => ({ send: [card(helpCard(ctx))] }) },
  {
    match: /^(whoami|who am i)$/,
    run: ({ person }) => ({ send: [text(`You are ${person.name} (${person.id}).`)] }),
  },
  {
    match: /^(raise|raise a dispute|new dispute|start)$/,
    run: ({ ctx, person }) => startRaise(ctx, person),
  },
  {
    match: /^(cancel|cancel draft|cancel the draft|discard|discard draft|discard the draft)$/,
    run: ({ ctx, person }) => discardDraft(ctx, person, null),
  },
  {
    match: /^(my disputes|disputes|list)$/,
    run: async ({ ctx, person }) => ({ send: [card(await myDisputesCard(ctx, person))] }),
  },
];

/** Routes a typed message through `COMMANDS`. */
export async function runCommand(turn: Omit<CommandTurn, 'args'>, input: string): Promise<Outgoing> {
  const command = normalise(input);
  for (const row of COMMANDS) {
    const found = row.match.exec(command);
    if (!found) continue;
    const args = found.slice(1);
    if (row.anyone) return row.run({ ...turn, args });
    const { person } = turn;
    if (!person) return { send: [card(errorCard(UNKNOWN_PERSON))] };
    return row.run({ ...turn, args, person });
  }
  if (!turn.person) return { send: [card(errorCard(UNKNOWN_PERSON))] };
  return {
    send: [text('Sorry, I did not understand that. Here is what I can do.'), card(helpCard(turn.ctx))],
  };
}

/** "<at>Concord</at> Raise a dispute!" → "raise a dispute". */
export function normalise(input: string): string {
  return input
    .replace(/<at>[^<]*<\/at>/gi, '')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase()
    .replace(/[.!]+$/, '')
    .replace(/\s+/g, ' ');
}
