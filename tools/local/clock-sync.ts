/**
 * Local mode's one clock: with CLOCK=test, the cards (Concord's test clock) and the mailboxes (the
 * emulator's clock) say the same time. Used by `npm start` (tools/local/start.ts).
 */

/**
 * With CLOCK=test, cards and mailboxes agree on the time: a test clock left behind by an earlier run
 * is brought up to the wall clock (running whatever fell due, as `/dev/clock` does), and the
 * emulator stamps mail and invitations with the test clock from then on, following each advance.
 */
export async function followTestClock(
  url: string,
  app: { readonly runtime: { readonly clock: { now(): Date } } },
  m365: { readonly state: { readonly clock: { set(at: Date): void } } },
): Promise<() => void> {
  const wall = new Date(Math.floor(Date.now() / 1000) * 1000);
  if (app.runtime.clock.now().getTime() < wall.getTime()) {
    const response = await fetch(`${url}/dev/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceTo: wall.toISOString() }),
    });
    if (!response.ok) console.warn(`Could not bring the test clock up to now (${response.status}).`);
  }
  const sync = () => m365.state.clock.set(app.runtime.clock.now());
  sync();
  const timer = setInterval(sync, 1000);
  timer.unref();
  return () => clearInterval(timer);
}
