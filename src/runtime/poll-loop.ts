/**
 * A polling loop: runs `tick` again at once while it finds work, and waits `intervalMs` when it
 * finds none (or fails). Only the *waiting* uses a timer; everything that matters is a row.
 *
 * @example
 * const loop = startPollLoop({ name: 'scheduler', intervalMs: 500, tick: async () => (await scheduler.runOnce()).length, log });
 * await loop.stop();
 */
import type { Logger } from '../log/index.ts';

export interface PollLoop {
  /** Asks the loop to finish and resolves when the current tick has ended. */
  stop(): Promise<void>;
  /** Skips the current wait (new work was just committed). */
  wake(): void;
}

export function startPollLoop(options: {
  readonly name: string;
  readonly intervalMs: number;
  /** Returns how much work it did; 0 means idle. */
  readonly tick: () => Promise<number>;
  readonly log: Logger;
}): PollLoop {
  let stopping = false;
  let wakeUp: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });

  const running = (async () => {
    while (!stopping) {
      let worked = 0;
      try {
        worked = await options.tick();
      } catch (error) {
        options.log.error({ err: error, loop: options.name }, 'poll loop tick failed');
      }
      if (!stopping && worked === 0) await sleep(options.intervalMs);
    }
  })();

  return {
    async stop() {
      stopping = true;
      wakeUp?.();
      await running;
    },
    wake() {
      wakeUp?.();
    },
  };
}
