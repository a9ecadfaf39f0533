/**
 * The Bot Framework endpoint: botbuilder's CloudAdapter with ConfigurationBotFrameworkAuthentication.
 *
 * - With BOT_ID set, every request's JWT is validated by botbuilder and a request without valid
 *   credentials is answered 401. Without BOT_ID (local mode) there are no credentials to check.
 * - `adapter.process` expects an Express/Restify-style request (parsed `body`) and response
 *   (`status`/`header`/`send`/`end`); `handleBotRequest` adapts node:http's objects.
 * - `onTurnError` tells the user something went wrong and logs the error's kind, never case content.
 *
 * @example
 * const bot = createBotAdapter({ bot: config.bot, log });
 * server.route(botRoute({ adapter: bot.adapter, logic: turnHandler, log }));
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { BotCredentials } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import { silentLogger } from '../log/index.ts';
import type { Route } from '../server/server.ts';

export type TurnLogic = (context: TurnContext) => Promise<void>;

export interface BotAdapter {
  readonly adapter: CloudAdapter;
  /** The app id proactive messages are sent as; '' in local mode. */
  readonly appId: string;
}

export function createBotAdapter(options: { bot: BotCredentials | null; log?: Logger }): BotAdapter {
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
  return { adapter, appId: bot?.id ?? '' };
}

/** A node:http request/response pair handled by the adapter; `body` is the parsed JSON activity. */
export async function handleBotRequest(
  bot: BotAdapter,
  logic: TurnLogic,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
): Promise<void> {
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
      if (!res.headersSent) res.statusCode = status;
      res.end(chunks.join(''));
      return response;
    },
  };
  await bot.adapter.process(request as never, response as never, logic);
  if (!res.writableEnded) response.end();
}

/** `POST /api/messages` for Concord's HTTP server. */
export function botRoute(options: { bot: BotAdapter; logic: TurnLogic; log?: Logger }): Route {
  return {
    method: 'POST',
    path: '/api/messages',
    async handler(request, res) {
      let body: unknown;
      try {
        body = JSON.parse((await request.text()) || 'null');
      } catch {
        return { status: 400, json: { error: 'the body must be a JSON activity' } };
      }
      await handleBotRequest(options.bot, options.logic, request.raw, res, body);
      return undefined;
    },
  };
}
