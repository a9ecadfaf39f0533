/**
 * Inbound Graph: subscriptions, webhook handlers, the work queue and the trackers, wired together.
 *
 *   POST /api/graph/notifications ─┐                 ┌─ message → reply tracker → reply-received
 *   POST /api/graph/lifecycle ─────┴─ webhooks → queue ┼─ event → meeting tracker → meeting-response/-held
 *                                                     └─ lifecycle → renew / recreate / delta catch-up
 *
 * `start()`: load stored subscriptions, make sure every watched inbox and every convener's events have
 * one (the webhook must already be mounted: Graph validates the URL on create), then catch up each
 * inbox with delta. The scheduler should call `renewDue()` hourly, `catchUpAll()` and
 * `meetings.poll()` every 15 minutes or so (the fallbacks for lost notifications).
 */
import type { Logger } from '../log/index.ts';
import type { MeetingTracker } from './meeting-tracker.ts';
import type { ReplyTracker } from './reply-tracker.ts';
import type { SubscriptionManager } from './subscriptions.ts';
import { createGraphWebhooks, type GraphJob, type GraphWebhooks } from './webhook.ts';
import { createWorkQueue, type WorkQueue } from './work-queue.ts';

export interface GraphInbound {
  readonly webhooks: GraphWebhooks;
  readonly queue: WorkQueue<GraphJob>;
  start(): Promise<void>;
  renewDue(): Promise<{ renewed: number; recreated: number }>;
  catchUpAll(): Promise<{ matched: number }>;
  close(): void;
}

export function createGraphInbound(options: {
  readonly subscriptions: SubscriptionManager;
  readonly replies: ReplyTracker;
  readonly meetings: MeetingTracker;
  /** Host-tenant mailboxes that send dispute email. */
  readonly watchedMailboxes: () => readonly string[];
  /** Mailboxes whose events are tracked (conveners); default the watched mailboxes. */
  readonly conveners?: () => readonly string[];
  readonly log: Logger;
}): GraphInbound {
  const { subscriptions, replies, meetings } = options;
  const log = options.log.child({ component: 'graph-inbound' });

  async function handle(job: GraphJob): Promise<void> {
    switch (job.kind) {
      case 'message':
        await replies.processMessages(job.mailbox, [job.messageId]);
        return;
      case 'event':
        await meetings.processEvent(job.mailbox, job.eventId, job.changeType);
        return;
      case 'lifecycle': {
        const action = await subscriptions.onLifecycle(job.subscriptionId, job.event);
        log.info(
          { subscriptionId: job.subscriptionId, event: job.event, action: action.kind },
          'lifecycle handled',
        );
        if (action.kind === 'catch-up' || (action.kind === 'recreated' && action.record.kind === 'inbox')) {
          if (action.record.kind === 'inbox') await replies.catchUp(action.record.mailbox);
          else await meetings.poll();
        }
        return;
      }
    }
  }

  const queue = createWorkQueue<GraphJob>({
    handle,
    log,
    describe: (job) => ({ job: job.kind, ...('mailbox' in job ? { mailbox: job.mailbox } : {}) }),
  });
  const webhooks = createGraphWebhooks({ subscriptions, enqueue: (job) => queue.push(job), log });

  async function catchUpAll() {
    let matched = 0;
    for (const mailbox of options.watchedMailboxes()) matched += (await replies.catchUp(mailbox)).matched;
    return { matched };
  }

  return {
    webhooks,
    queue,
    async start() {
      await subscriptions.load();
      await subscriptions.ensure(options.watchedMailboxes(), 'inbox');
      await subscriptions.ensure((options.conveners ?? options.watchedMailboxes)(), 'events');
      await catchUpAll();
    },
    renewDue: () => subscriptions.renewDue(),
    catchUpAll,
    close: () => queue.close(),
  };
}
