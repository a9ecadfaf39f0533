/**
 * A short chaos run (tools/chaos/chaos.ts): disputes driven through every stage while the bot is
 * killed with SIGKILL and started again on the same store and the same emulator; at the end every
 * email, meeting and card the walk asks for exists exactly once where it lands (the emulator's
 * mailboxes and calendars, the stand-in Bot Connector), never read from Concord's own store.
 * On PGlite, and on PostgreSQL when DATABASE_URL is set (a fresh schema, dropped afterwards).
 * `npm run chaos -- --disputes 100` is the long run, over all five procedures.
 */
import { describe, expect, it } from 'vitest';
import { describeChaos, runChaos } from '../../tools/chaos/chaos.ts';

const DATABASE_URL = process.env.DATABASE_URL?.trim();
const ENGINES = [
  { engine: 'PGlite', databaseUrl: undefined },
  ...(DATABASE_URL ? [{ engine: 'PostgreSQL', databaseUrl: DATABASE_URL }] : []),
];

describe.each(ENGINES)('chaos on $engine', ({ databaseUrl }) => {
  it('an ANE dispute walked to its written confirmation through kills: 0 lost, 0 duplicated', async () => {
    const figures = await runChaos({
      disputes: 1,
      procedures: ['ane'],
      seed: 14,
      ...(databaseUrl ? { databaseUrl } : {}),
      // Killed the moment a step is taken, before its emails, meetings and cards go out: the
      // raise, the Stage 1 review, the counterpart's reply and the Stage 3 booking. Kills at random
      // times (`killEveryMs`) depend on the machine's speed: too few on a quiet one, none getting
      // through on a busy one; the long run (`npm run chaos`) has those.
      killAfterSteps: [1, 2, 3, 5],
      // And once in the window the Bot Connector leaves open: it has taken the Assistant
      // Director's Stage 3 decision card and the bot dies before it hears. The card goes again; the
      // earlier copy must refresh as "This card was sent again", so the person has one live card.
      killOnCard: ['ane-assistant-director escalate'],
    });
    const report = describeChaos(figures);
    expect(figures.disputes, report).toBe(1);
    expect(figures.steps, report).toBe(10);
    expect(figures.kills, report).toBe(5);
    expect({ duplicates: figures.duplicates, lost: figures.lost }, report).toEqual({
      duplicates: 0,
      lost: 0,
    });
    // The Connector's kill was in the window: the card went twice, the earlier copy read-only.
    expect(figures.sentAgain, report).toBeGreaterThanOrEqual(1);
  }, 600_000);
});
