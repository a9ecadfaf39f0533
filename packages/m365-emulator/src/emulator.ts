/**
 * `startEmulator`: a local Microsoft 365 on one HTTPS port.
 *
 *   /{tenant}/…            OIDC issuer (token-issuer.ts) for msal-node's client-credentials flow
 *   /v1.0/…                the Graph subset (graph-server.ts and routes/)
 *   /_emulator/…           the admin/test API (admin-api.ts); no auth, local use only
 *   /_emulator/ui/…        the web UI (ui/)
 *
 * @example
 * const m365 = await startEmulator({ directory: 'directory/sample-ane.json' }); // a seed file
 * // msal: authority `${m365.authorityHost}/${m365.tenantId}`, knownAuthorities [m365.knownAuthority],
 * //       system.protocolMode 'OIDC'; graph-client: baseUrl m365.graphBaseUrl, customHosts m365.customHosts
 * await m365.close();
 */

import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdminApi } from './admin-api.ts';
import { createEmulatorClock } from './clock.ts';
import { createValidator, loadCsdl } from './csdl.ts';
import { createFaultController, type FaultConfig, type FaultController } from './faults.ts';
import { createGraphHandler } from './graph-server.ts';
import { type HttpResponse, readRequest, writeResponse } from './http.ts';
import { createIdFormat } from './id-format.ts';
import { stableGuid } from './ids.ts';
import { createNotifier, type Notifier, type NotifierOptions } from './notifier.ts';
import type { Services } from './router.ts';
import { GRAPH_ROUTES } from './routes/index.ts';
import { loadSeed, parseSeed, type SeedInput } from './seed.ts';
import { createState, type EmulatorState } from './state.ts';
import { loadOrCreateTls } from './tls.ts';
import { type ClientRegistration, createTokenIssuer } from './token-issuer.ts';
import { createUi } from './ui/ui.ts';

export interface StartEmulatorOptions {
  /**
   * The seed (./seed.ts): an object or the path of a seed file such as Concord's directory file.
   * Without one, only ad-hoc mailboxes exist.
   */
  directory?: SeedInput | string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  faults?: Partial<FaultConfig>;
  /** Where the CA and certificate are kept (and reused); without it they are made in memory. */
  certDir?: string;
  /** App registrations; default one client (DEFAULT_CLIENT). */
  clients?: ClientRegistration[];
  /** A CSDL file to validate against; default the bundled subset. */
  csdlPath?: string;
  notifier?: NotifierOptions;
  /** Token audiences Graph accepts besides https://graph.microsoft.com. */
  extraAudiences?: string[];
  /**
   * Teams apps in the tenant's app catalog. `blockedFor`: people (address or object id) the
   * tenant's app permission policy blocks the app for, so installing it for them answers 403.
   */
  teamsApps?: {
    id?: string;
    externalId: string;
    displayName: string;
    version?: string;
    blockedFor?: string[];
  }[];
}

export interface Emulator {
  /** https://127.0.0.1:PORT */
  readonly origin: string;
  /** GRAPH_BASE_URL: https://127.0.0.1:PORT/v1.0 */
  readonly graphBaseUrl: string;
  /** AUTHORITY_HOST: https://127.0.0.1:PORT (msal authority = `${authorityHost}/${tenantId}`) */
  readonly authorityHost: string;
  /** msal `knownAuthorities` entry: 127.0.0.1:PORT */
  readonly knownAuthority: string;
  /** graph-client `customHosts`. */
  readonly customHosts: readonly string[];
  /** The host tenant (the directory's hostTenant.tenantId). */
  readonly tenantId: string;
  readonly caPem: string;
  /** Set when certDir was given: point NODE_EXTRA_CA_CERTS here. */
  readonly caPath?: string;
  readonly clients: readonly ClientRegistration[];
  readonly uiUrl: string;
  readonly adminUrl: string;
  readonly state: EmulatorState;
  readonly faults: FaultController;
  readonly notifier: Notifier;
  close(): Promise<void>;
}

/** The default app registration (local use only). */
export const DEFAULT_CLIENT: ClientRegistration = {
  clientId: '5c0e0c0d-0000-4000-8000-00000000c0de',
  clientSecret: 'concord-local-emulator-secret',
  displayName: 'Concord (local)',
};

/** How long the emulator keeps an idle connection open (see where it is set). */
export const EMULATOR_KEEP_ALIVE_MS = 65_000;

/**
 * Where Concord's Graph client should point to use this emulator, and how it signs in (its first
 * registered client). The shape of `createApp`'s `graph` option.
 *
 * @example createApp({ config, graph: graphTargetOf(m365) });
 */
export function graphTargetOf(m365: Emulator) {
  const client = m365.clients[0] ?? DEFAULT_CLIENT;
  return {
    baseUrl: m365.graphBaseUrl,
    authorityHost: m365.authorityHost,
    tenantId: m365.tenantId,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    customHosts: m365.customHosts,
    extraCa: m365.caPem,
  };
}

/**
 * Local-mode Teams SSO: a delegated token for a directory person (by address) with the given
 * audience, signed by the emulator's issuer as Entra would sign a Teams SSO token.
 *
 * @example createApp({ config, graph: graphTargetOf(m365), tabSignIn: tabSignInOf(m365) });
 */
export function tabSignInOf(m365: Emulator): (email: string, audience: string) => Promise<string> {
  const client = m365.clients[0] ?? DEFAULT_CLIENT;
  return async (email, audience) => {
    const response = await fetch(`${m365.adminUrl}/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: client.clientId, audience, user: { email } }),
    });
    if (!response.ok) throw new Error(`the emulator refused a token for ${email}: ${response.status}`);
    return ((await response.json()) as { access_token: string }).access_token;
  };
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<Emulator> {
  const directory =
    typeof options.directory === 'string'
      ? await loadSeed(options.directory)
      : options.directory && parseSeed(options.directory);
  const tls = await loadOrCreateTls(options.certDir);
  const host = options.host ?? '127.0.0.1';
  let origin = '';
  const clock = createEmulatorClock();
  const state = createState({ ...(directory ? { directory } : {}), clock });
  for (const app of options.teamsApps ?? []) {
    // As in a real tenant, the catalog makes its own id on upload, never the manifest's.
    const id = app.id ?? stableGuid(`teams-app:${app.externalId}`);
    state.catalog.set(id, {
      id,
      externalId: app.externalId,
      displayName: app.displayName,
      version: app.version ?? '1.0.0',
      ...(app.blockedFor ? { blockedFor: app.blockedFor.map((who) => who.toLowerCase()) } : {}),
    });
  }
  const clients = options.clients ?? [DEFAULT_CLIENT];
  const faults = createFaultController(options.faults);
  const ids = createIdFormat(state);
  const notifier = createNotifier(state, faults, options.notifier, ids);
  const issuer = await createTokenIssuer({
    origin: () => origin,
    tenants: state.tenants,
    clients,
    ...(options.extraAudiences ? { extraAudiences: options.extraAudiences } : {}),
  });
  const services: Services = {
    state,
    validator: createValidator(loadCsdl(options.csdlPath)),
    notifier,
    faults,
    issuer,
    ids,
    origin: () => origin,
  };
  const graph = createGraphHandler(services, GRAPH_ROUTES);
  const admin = createAdminApi(services);
  const ui = createUi(services);

  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, async (req, res) => {
    try {
      const request = await readRequest(req, origin);
      const path = request.url.pathname;
      let response: HttpResponse | undefined;
      if (/^\/v1\.0(\/|$)/i.test(path)) response = await graph.handle(request);
      else if (path.startsWith('/_emulator/ui') || path === '/') response = await ui.handle(request);
      else if (path.startsWith('/_emulator')) response = await admin.handle(request);
      else response = await issuer.handle(request);
      if (response?.hangUpAfterMs !== undefined) {
        // An injected timeout: the request was carried out, its answer never comes.
        const socket = req.socket;
        setTimeout(() => socket.destroy(), response.hangUpAfterMs).unref();
        return;
      }
      writeResponse(res, response ?? { status: 404, body: { error: 'not_found', path } });
    } catch (error) {
      console.error('[emulator] request failed', error);
      if (!res.headersSent) writeResponse(res, { status: 500, body: { error: (error as Error).message } });
    }
  });
  // undici (Node's fetch) reuses a connection only while the server's keep-alive hint exceeds its
  // keepAliveTimeoutThreshold (2 s in undici 6): at 1 s every call paid a fresh TLS handshake.
  // 65 s is above that and above any client's idle timeout, as in front of Microsoft's own servers.
  server.keepAliveTimeout = EMULATOR_KEEP_ALIVE_MS;
  server.headersTimeout = EMULATOR_KEEP_ALIVE_MS + 1000;
  server.on('secureConnection', (socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  origin = `https://${hostForUrl}:${port}`;

  return {
    origin,
    graphBaseUrl: `${origin}/v1.0`,
    authorityHost: origin,
    knownAuthority: `${hostForUrl}:${port}`,
    customHosts: ['127.0.0.1', 'localhost'],
    tenantId: state.hostTenantId,
    caPem: tls.caPem,
    ...(tls.caPath ? { caPath: tls.caPath } : {}),
    clients,
    uiUrl: `${origin}/_emulator/ui`,
    adminUrl: `${origin}/_emulator`,
    state,
    faults,
    notifier,
    async close() {
      notifier.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
