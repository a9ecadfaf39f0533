/**
 * Integration plumbing for the Graph adapters: one emulator seeded from the sample directory, reached
 * only through msal-node (client credentials) and graph-client with Concord's middleware chain.
 * Raw fetch is used only for the emulator's admin API (it plays the counterpart) and webhooks.
 */
import {
  type Emulator,
  type StartEmulatorOptions,
  startEmulator,
  trustEmulatorCa,
} from '@concord/m365-emulator';
import { createAppTokenProvider } from '../../src/graph/auth.ts';
import { createGraphClient, type GraphClient } from '../../src/graph/client.ts';
import { silentLogger } from '../../src/log/index.ts';

export const SAMPLE_DIRECTORY = 'directory/sample-ane.json';

export interface GraphHarness {
  m365: Emulator;
  graph: GraphClient;
  /** HTTP requests sent to Graph so far, retries included (the auth middleware runs once per request). */
  calls(): number;
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export const log = silentLogger();

export async function startGraphHarness(options: StartEmulatorOptions = {}): Promise<GraphHarness> {
  const m365 = await startEmulator({ directory: SAMPLE_DIRECTORY, ...options });
  const untrust = trustEmulatorCa(m365.caPem);
  const client = m365.clients[0];
  if (!client) throw new Error('emulator has no client');
  const auth = createAppTokenProvider({
    tenantId: m365.tenantId,
    clientId: client.clientId,
    credential: { kind: 'secret', secret: client.clientSecret },
    authorityHost: m365.authorityHost,
  });
  let count = 0;
  const counting = {
    async getAccessToken() {
      count++;
      return auth.getAccessToken();
    },
    refused: (token: string) => auth.refused(token),
  };
  const graph = createGraphClient({
    baseUrl: m365.graphBaseUrl,
    auth: counting,
    customHosts: m365.customHosts,
    extraCa: m365.caPem,
    retry: { delaySeconds: 1, maxRetries: 6 },
    retrySleepScale: 0.005,
  });
  return {
    m365,
    graph,
    calls: () => count,
    async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${m365.adminUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (response.status >= 400) throw new Error(`admin ${method} ${path}: ${response.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async close() {
      await graph.close();
      await m365.close();
      untrust();
    },
  };
}
