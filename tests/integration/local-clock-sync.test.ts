/**
 * Local mode with CLOCK=test: the emulator stamps mail and invitations with Concord's test clock and
 * follows each advance, so cards and mailboxes agree (issue 12: "the test clock starts frozen while
 * the emulator stamps mail with the wall clock").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followTestClock } from '../../tools/local/clock-sync.ts';
import { type ConcordApp, startConcordApp } from '../support/concord-app.ts';

describe('local mode: the emulator follows the test clock', () => {
  let world: ConcordApp;
  let stop = () => {};
  beforeAll(async () => {
    world = await startConcordApp();
    stop = await followTestClock(world.url, world.app, world.h.m365);
  }, 120_000);
  afterAll(async () => {
    stop();
    await world?.close();
  });

  it('starts the emulator at the test clock and moves it with each advance', async () => {
    const test = world.app.runtime.clock.now().getTime();
    expect(Math.abs(world.h.m365.state.clock.now().getTime() - test)).toBeLessThan(2_000);
    const later = new Date(test + 3 * 86_400_000);
    const response = await fetch(`${world.url}/dev/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceTo: later.toISOString() }),
    });
    expect(response.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_300));
    expect(Math.abs(world.h.m365.state.clock.now().getTime() - later.getTime())).toBeLessThan(2_000);
  });
});
