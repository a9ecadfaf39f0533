/**
 * The HTTP routes Graph calls: change notifications and lifecycle notifications (CONTRACT.md),
 * each parsed leniently (a body that is not JSON reaches the handler as null) and answered by
 * `GraphInbound`'s webhook handlers.
 */
import type { GraphInbound } from '../graph/inbound.ts';
import type { Route } from '../server/server.ts';

export function graphWebhookRoutes(inbound: Pick<GraphInbound, 'webhooks'>): Route[] {
  const webhookRoute = (path: string, handle: 'handleNotification' | 'handleLifecycle'): Route => ({
    method: 'POST',
    path,
    async handler(request) {
      const text = await request.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
      const result = inbound.webhooks[handle](body, request.url.searchParams);
      return { status: result.status, text: result.body, headers: { 'content-type': result.contentType } };
    },
  });
  return [
    webhookRoute('/api/graph/notifications', 'handleNotification'),
    webhookRoute('/api/graph/lifecycle', 'handleLifecycle'),
  ];
}
