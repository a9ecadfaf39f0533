/**
 * The emulator's notion of now: the system clock plus an offset that tests may move (forward or back)
 * through the admin API, so subscription expiry and calendars can follow Concord's test clock.
 * Token lifetimes stay on the real clock, because msal-node caches tokens by real time.
 */
export interface EmulatorClock {
  now(): Date;
  /** Sets now to `at`; time then keeps flowing from there. */
  set(at: Date): void;
  advance(ms: number): void;
}

export function createEmulatorClock(): EmulatorClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    set: (at) => {
      offset = at.getTime() - Date.now();
    },
    advance: (ms) => {
      offset += ms;
    },
  };
}
