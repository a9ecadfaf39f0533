/**
 * The HTTP routes Graph calls: change notifications and lifecycle notifications (CONTRACT.md),
 * answered by `GraphInbound`'s webhook handlers. The body goes to them as text: they parse it
 * leniently (not JSON is no notifications), and no body at all without a `validationToken` is a
 * handshake missing its token (400). Every answer is `X-Content-Type-Options: nosniff`, so the
 * echoed token is never sniffed as HTML. The answer comes once the accepted notifications are in
 * the durable queue (a 503 with Retry-After when it is full), never after their work.
 */
import type { GraphInbound } from '../graph/inbound.ts';
import type { Route } from '../server/server.ts';

export function graphWebhookRoutes(inbound: Pick<GraphInbound, 'webhooks'>): Route[] {
  const webhookRoute = (path: string, handle: 'handleNotification' | 'handleLifecycle'): Route => ({
    method: 'POST',
    path,
    async handler(request) {
      const result = await inbound.webhooks[handle](await request.text(), request.url.searchParams);
      return {
        status: result.status,
        text: result.body,
        headers: {
          ...result.headers,
          'content-type': result.contentType,
          'x-content-type-options': 'nosniff',
        },
      };
    },
  });
  return [
    webhookRoute('/api/graph/notifications', 'handleNotification'),
    webhookRoute('/api/graph/lifecycle', 'handleLifecycle'),
  ];
}
