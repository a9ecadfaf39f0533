/**
 * Composition of the durable runtime: store (migrated), clock, dispute service, scheduler, outbox
 * worker and their polling loops. The bot, Graph and directory adapters plug in through `decide`,
 * `contextFor` and `performer`; its HTTP routes (health, and the test clock when `CLOCK=test`) are
 * built over it by src/server/runtime-routes.ts.
 *
 * @example
 * const runtime = await startRuntime({ config, decide, contextFor, performer, log });
 * const server = createServer({ routes: [...runtimeRoutes(runtime), ...botRoutes], log });
 * await server.listen(config.port);
 * // on SIGTERM: await server.close(); await runtime.stop();
 */
import type { Config } from '../config/index.ts';
import type { Decide } from '../domain/dispute/decide-types.ts';
import { type Logger, silentLogger } from '../log/index.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { openStore, type Store, type StoreTarget, storeTargetFromConfig } from '../store/open-store.ts';
import type { RetryPolicy } from './backoff.ts';
import { type AdjustableClock, type Clock, openTestClock, systemClock } from './clock.ts';
import { type ClockDriver, createClockDriver } from './clock-driver.ts';
import { type ContextFor, createDisputeService, type DisputeService } from './dispute-service.ts';
import type { EffectPerformer } from './effect-performer.ts';
import { createOutboxWorker, type OutboxWorker } from './outbox-worker.ts';
import { type PollLoop, startPollLoop } from './poll-loop.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';

export interface RuntimeOptions {
  readonly config: Pick<
    Config,
    'databaseUrl' | 'databasePreparedStatements' | 'dataDir' | 'clock' | 'nodeEnv'
  >;
  readonly decide: Decide;
  readonly contextFor: ContextFor;
  readonly performer: EffectPerformer;
  readonly log?: Logger;
  /** Overrides the store the config names (tests: a schema of their own). */
  readonly storeTarget?: StoreTarget;
  /** Start the polling loops (default true). Tests and the CLI may drive `runOnce` themselves. */
  readonly loops?: boolean;
  readonly pollIntervalMs?: number;
  readonly leaseMs?: number;
  readonly retry?: RetryPolicy;
  /** Names this instance in `locked_by`. */
  readonly instanceId?: string;
  /** Where a brand-new test clock starts (default: the real time now). Ignored once one is stored. */
  readonly testClockStart?: Date;
}

export interface Runtime {
  readonly store: Store;
  readonly clock: Clock;
  readonly service: DisputeService;
  readonly scheduler: Scheduler;
  readonly worker: OutboxWorker;
  /** Present only with the test clock. */
  readonly driver: ClockDriver | null;
  /** Stops the loops, then closes the store. */
  stop(): Promise<void>;
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config } = options;
  const log = options.log ?? silentLogger();
  if (config.clock === 'test' && config.nodeEnv === 'production') {
    throw new Error('CLOCK=test is refused when NODE_ENV=production');
  }
  const store = await openStore(options.storeTarget ?? storeTargetFromConfig(config));
  try {
    const migrations = await migrateToLatest(store);
    if (migrations.applied.length > 0) log.info({ applied: migrations.applied }, 'migrations applied');
    const testClock: AdjustableClock | null =
      config.clock === 'test'
        ? await openTestClock(store, options.testClockStart ? { initial: options.testClockStart } : {})
        : null;
    const clock = testClock ?? systemClock;
    let workerLoop: PollLoop | null = null;
    const service = createDisputeService({
      store,
      decide: options.decide,
      contextFor: options.contextFor,
      clock,
      log,
      onCommitted: () => workerLoop?.wake(),
    });
    const id = options.instanceId;
    const scheduler = createScheduler({
      store,
      service,
      clock,
      log,
      ...(id ? { schedulerId: `${id}-scheduler` } : {}),
    });
    const worker = createOutboxWorker({
      store,
      service,
      performer: options.performer,
      clock,
      log,
      ...(id ? { workerId: `${id}-outbox` } : {}),
      ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
      ...(options.retry === undefined ? {} : { retry: options.retry }),
    });
    const driver = testClock ? createClockDriver({ clock: testClock, scheduler, worker, log }) : null;
    const loops: PollLoop[] = [];
    if (options.loops !== false) {
      const intervalMs = options.pollIntervalMs ?? store.profile.pollIntervalMs;
      loops.push(
        startPollLoop({
          name: 'scheduler',
          intervalMs,
          log,
          tick: async () => (await scheduler.runOnce()).length,
        }),
      );
      workerLoop = startPollLoop({
        name: 'outbox',
        intervalMs,
        log,
        tick: async () => (await worker.runOnce()).claimed,
      });
      loops.push(workerLoop);
    }
    log.info({ engine: store.engine, clock: config.clock }, 'runtime started');
    return {
      store,
      clock,
      service,
      scheduler,
      worker,
      driver,
      async stop() {
        await Promise.all(loops.map((loop) => loop.stop()));
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
