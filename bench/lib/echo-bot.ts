/**
 * The reference: a bare botbuilder echo bot (the same botbuilder as Concord, no authentication as in
 * local mode) on node:http, with the same Express-style shim every node:http botbuilder bot needs.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';

export interface EchoBot {
  readonly url: string;
  close(): Promise<void>;
}

export async function startEchoBot(): Promise<EchoBot> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const body = JSON.parse(raw || '{}');
      const request = Object.assign(req, { body });
      const response = Object.assign(res, {
        status(code: number) {
          res.statusCode = code;
          return response;
        },
        header(name: string, value: string) {
          res.setHeader(name, value);
          return response;
        },
        send(payload?: unknown) {
          if (payload !== undefined)
            res.write(typeof payload === 'string' ? payload : JSON.stringify(payload));
          return response;
        },
      });
      adapter
        .process(request as never, response as never, async (context) => {
          if (context.activity.type === 'message')
            await context.sendActivity(`You said: ${context.activity.text}`);
          else if (context.activity.type === 'invoke')
            await context.sendActivity({
              type: 'invokeResponse',
              value: { status: 200, body: { statusCode: 200 } },
            });
        })
        .catch(() => {
          if (!res.headersSent) res.statusCode = 500;
          res.end();
        });
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
