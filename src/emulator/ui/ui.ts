/** The emulator's web UI (placeholder until the UI slice lands). */
import { type HttpRequest, type HttpResponse, html } from '../http.ts';
import type { Services } from '../router.ts';

export interface Ui {
  handle(req: HttpRequest): Promise<HttpResponse>;
}

export function createUi(_services: Services): Ui {
  return {
    async handle() {
      return html(200, '<!doctype html><title>Concord M365 emulator</title><p>Emulator running.</p>');
    },
  };
}
