/**
 * The Bot Framework endpoint: botbuilder's CloudAdapter with ConfigurationBotFrameworkAuthentication.
 *
 * - With BOT_ID set, every request's JWT is validated by botbuilder and a request without valid
 *   credentials is answered 401. Without BOT_ID (local mode) there are no credentials to check.
 * - A body that is not an activity (not a JSON object, or no string `type`) is 400 before botbuilder
 *   sees it. Refusals carry a short JSON body of Concord's own, never botbuilder's error text (which
 *   can name the OpenID metadata URL), and are logged without content: status, reason, mode.
 * - In cloud mode, anything that fails before the turn starts is a token that could not be
 *   verified, so it is 401 (the log line says so, and names the metadata fetch as a likely cause);
 *   in local mode, with no token to check, it is the activity, so 400. After the turn has started,
 *   a failure is 500 `internal error`.
 * - `adapter.process` expects an Express/Restify-style request (parsed `body`) and response
 *   (`status`/`header`/`send`/`end`); `handleBotRequest` adapts node:http's objects.
 * - `onTurnError` tells the user something went wrong and logs the error's kind, never case content.
 * - Local mode with a reply outbox (`replies`): the turn's replies and updates are stored in the
 *   outbox and the turn is answered at once; `deliverReply` (run by the outbox's worker) sends them
 *   to the conversation's serviceUrl afterwards, retrying with backoff. A serviceUrl that refuses
 *   connections no longer holds the turn (botbuilder retried for about 5 s per send, so about 10 s
 *   with the error message). Invoke responses still go back in the HTTP answer.
 *
 * @example
 * const bot = createBotAdapter({ bot: config.bot, log });
 * server.route(botRoute({ adapter: bot.adapter, logic: turnHandler, log }));
 */

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Activity,
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConversationReference,
  type ResourceResponse,
  TurnContext,
} from 'botbuilder';
import type { BotCredentials } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import { silentLogger } from '../log/index.ts';
import type { Route } from '../server/server.ts';

export type TurnLogic = (context: TurnContext) => Promise<void>;

export interface BotAdapter {
  readonly adapter: CloudAdapter;
  /** The app id proactive messages are sent as; '' in local mode. */
  readonly appId: string;
  /** Local mode: where a turn's replies wait for delivery (null: sent during the turn). */
  readonly replies: ReplyOutbox | null;
}

/** Replies (or an update) of one turn, waiting in the outbox for delivery. */
export interface BotReplyJob {
  /** Sortable and unique: the order the turn produced them in. */
  readonly id: string;
  readonly reference: Partial<ConversationReference>;
  readonly activities?: readonly Partial<Activity>[];
  readonly update?: Partial<Activity>;
}

/** The durable outbox of local-mode replies (the store's `bot_replies`, through the work queue). */
export interface ReplyOutbox {
  add(jobs: readonly BotReplyJob[]): Promise<'queued' | 'full'>;
}

export function createBotAdapter(options: {
  bot: BotCredentials | null;
  log?: Logger;
  /** Local mode only: the outbox the turn's replies go to. Ignored with credentials. */
  replies?: ReplyOutbox;
}): BotAdapter {
  const log = (options.log ?? silentLogger()).child({ component: 'bot' });
  const bot = options.bot;
  const auth = new ConfigurationBotFrameworkAuthentication(
    bot
      ? {
          MicrosoftAppId: bot.id,
          MicrosoftAppPassword: bot.password ?? undefined,
          MicrosoftAppTenantId: bot.tenantId ?? undefined,
          MicrosoftAppType: bot.type ?? (bot.tenantId ? 'SingleTenant' : 'MultiTenant'),
        }
      : {},
  );
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    // Only the error's kind and where it happened: messages and stacks may quote case content.
    log.error(
      {
        errorName: error instanceof Error ? error.name : typeof error,
        errorCode: (error as { code?: unknown })?.code ?? null,
        activityType: context.activity.type,
        activityName: context.activity.name ?? null,
        channelId: context.activity.channelId,
      },
      'bot turn failed',
    );
    try {
      await context.sendActivity(
        'Sorry, something went wrong on my side, so what you just sent may not have been saved. Please try again in a moment, or type "help".',
      );
    } catch {
      // The channel may be unreachable too; the log line above is what remains.
    }
  };
  return { adapter, appId: bot?.id ?? '', replies: bot ? null : (options.replies ?? null) };
}

let replySeq = 0;
const replyId = () =>
  `${new Date().toISOString()}|${String(++replySeq % 1_000_000).padStart(6, '0')}|${randomUUID()}`;

/**
 * Routes a turn's outgoing replies and updates into the outbox (invoke responses stay in the turn).
 * If the outbox refuses or fails, they are sent during the turn as before.
 */
function deferReplies(context: TurnContext, outbox: ReplyOutbox): void {
  const reference = TurnContext.getConversationReference(context.activity);
  context.onSendActivities(async (_ctx, activities, next) => {
    if (activities.some((a) => a.type === ActivityTypes.InvokeResponse || a.type === 'delay')) return next();
    const id = replyId();
    try {
      if ((await outbox.add([{ id, reference, activities }])) === 'queued')
        return activities.map((): ResourceResponse => ({ id: randomUUID() }));
    } catch {
      // The outbox is unavailable: deliver now.
    }
    return next();
  });
  context.onUpdateActivity(async (_ctx, activity, next) => {
    try {
      if ((await outbox.add([{ id: replyId(), reference, update: activity }])) === 'queued') return;
    } catch {
      // As above.
    }
    return next();
  });
}

/** Delivers one outbox job to its conversation (the outbox's worker calls it; throws to retry). */
export async function deliverReply(bot: BotAdapter, job: BotReplyJob): Promise<void> {
  // Caught here: botbuilder would hand it to onTurnError, which swallows it, and the outbox would
  // count a reply the serviceUrl refused as delivered instead of retrying it.
  let failed: { error: unknown } | null = null;
  await bot.adapter.continueConversationAsync(bot.appId, job.reference, async (context) => {
    try {
      if (job.update) await context.updateActivity(job.update);
      if (job.activities && job.activities.length > 0) await context.sendActivities([...job.activities]);
    } catch (error) {
      failed = { error };
    }
  });
  if (failed) throw (failed as { error: unknown }).error;
}

/** Concord's own bodies for refusals: short, and the same whatever botbuilder said. */
const REFUSALS = {
  400: { error: 'the body must be a Bot Framework activity' },
  401: { error: 'unauthorized' },
  500: { error: 'internal error' },
} as const;

/**
 * The activity's `type` when `body` is a JSON object with a non-empty string `type` and, if it has
 * a `serviceUrl`, a string one (botbuilder calls string methods on it before the turn starts).
 */
export function activityTypeOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { type, serviceUrl } = body as { type?: unknown; serviceUrl?: unknown };
  if (serviceUrl !== undefined && serviceUrl !== null && typeof serviceUrl !== 'string') return undefined;
  return typeof type === 'string' && type.trim() !== '' ? type : undefined;
}

/**
 * A node:http request/response pair handled by the adapter; `body` is the parsed JSON activity.
 * Answers the refusals described above itself, and logs them on `log`.
 */
export async function handleBotRequest(
  bot: BotAdapter,
  logic: TurnLogic,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  log: Logger = silentLogger(),
): Promise<void> {
  const mode = bot.appId ? 'cloud' : 'local';
  const refuse = (code: 400 | 401 | 500, reason: string, level: 'warn' | 'error' = 'warn') => {
    log[level](
      { status: code, reason, mode, authorization: Boolean(req.headers.authorization) },
      'bot request refused',
    );
    if (res.headersSent) return void res.end();
    res.writeHead(code, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(REFUSALS[code]));
  };
  if (!activityTypeOf(body)) return refuse(400, 'not an activity with a type (and a string serviceUrl)');

  let started = false;
  const turn: TurnLogic = (context) => {
    started = true;
    if (bot.replies) deferReplies(context, bot.replies);
    return logic(context);
  };
  const request = Object.assign(req, { body });
  let status = 200;
  const chunks: string[] = [];
  const response = {
    status(code: number) {
      status = code;
      return response;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
      return response;
    },
    send(payload: unknown) {
      if (payload === undefined || payload === null) return response;
      if (typeof payload === 'object' && !Buffer.isBuffer(payload)) {
        res.setHeader('content-type', 'application/json; charset=utf-8');
        chunks.push(JSON.stringify(payload));
      } else chunks.push(String(payload));
      return response;
    },
    end() {
      if (res.writableEnded) return response;
      if (!started && status >= 400) refuseBefore(status);
      else if (status >= 500 && status !== 501) refuse(500, 'the turn failed', 'error');
      else {
        if (!res.headersSent) res.statusCode = status;
        res.end(chunks.join(''));
      }
      return response;
    },
  };
  /** botbuilder refused before the turn: its own words stay here. */
  function refuseBefore(code: number): void {
    if (code === 400) refuse(400, 'botbuilder refused the activity');
    else if (code === 401 || code === 403) refuse(401, 'token refused');
    else if (mode === 'cloud')
      refuse(401, 'token could not be verified (is the Bot Framework OpenID metadata reachable?)', 'error');
    // Local mode checks no token: what fails before the turn is the activity itself.
    else refuse(400, 'botbuilder failed on the activity before the turn');
  }
  try {
    await bot.adapter.process(request as never, response as never, turn);
  } catch (error) {
    // botbuilder's schema checks throw before its own try (an activity it cannot read).
    if (started) throw error;
    if (!res.writableEnded) refuse(400, 'botbuilder could not read the activity');
    return;
  }
  if (!res.writableEnded) response.end();
}

/** `POST /api/messages` for Concord's HTTP server. */
export function botRoute(options: { bot: BotAdapter; logic: TurnLogic; log?: Logger }): Route {
  const log = (options.log ?? silentLogger()).child({ component: 'bot-http' });
  return {
    method: 'POST',
    path: '/api/messages',
    async handler(request, res) {
      // Outside the try: a body over the limit is the server's 413, not "not JSON".
      const text = await request.text();
      let body: unknown;
      try {
        body = JSON.parse(text || 'null');
      } catch {
        log.warn(
          { status: 400, reason: 'not JSON', mode: options.bot.appId ? 'cloud' : 'local' },
          'bot request refused',
        );
        return { status: 400, json: { error: 'the body must be a JSON activity' } };
      }
      await handleBotRequest(options.bot, options.logic, request.raw, res, body, log);
      return undefined;
    },
  };
}
