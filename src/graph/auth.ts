/**
 * App-only tokens for Graph: msal-node's ConfidentialClientApplication with client credentials (a
 * certificate or a secret). msal-node caches tokens in memory and refreshes them before expiry.
 *
 * For a non-Microsoft authority host (the local emulator, a sovereign cloud proxy) msal-node 7 needs
 * the host in `knownAuthorities` and `system.protocolMode: 'OIDC'`, and the authority must be https.
 */
import { ConfidentialClientApplication, type Configuration, ProtocolMode } from '@azure/msal-node';
import type { AuthenticationProvider } from '@microsoft/microsoft-graph-client';

export type ClientCredential =
  | { readonly kind: 'secret'; readonly secret: string }
  | {
      readonly kind: 'certificate';
      /** PEM private key. */
      readonly privateKey: string;
      /** SHA-256 thumbprint of the certificate (hex). */
      readonly thumbprintSha256: string;
      /** PEM certificate chain, sent as x5c for subject-name/issuer authentication. */
      readonly x5c?: string;
    };

export interface AppCredentials {
  readonly tenantId: string;
  readonly clientId: string;
  readonly credential: ClientCredential;
  /** AUTHORITY_HOST, e.g. https://login.microsoftonline.com. */
  readonly authorityHost: string;
  /** The token audience; default Graph. */
  readonly scope?: string;
}

const MICROSOFT_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
]);

/**
 * Microsoft Graph's national cloud deployments
 * (https://learn.microsoft.com/graph/deployments#microsoft-graph-and-graph-explorer-service-root-endpoints):
 * a token for one is asked for with that host's `/.default` scope.
 */
const GRAPH_CLOUD_HOSTS = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
]);

/**
 * The token scope for `GRAPH_BASE_URL`: `https://{host}/.default` for a Microsoft Graph cloud
 * (global, US Government L4 and L5, China), else the global one (the local emulator takes it).
 */
export function graphScopeFor(graphBaseUrl: string): string {
  let host = '';
  try {
    host = new URL(graphBaseUrl).host.toLowerCase();
  } catch {
    // not a URL: the global scope
  }
  return `https://${GRAPH_CLOUD_HOSTS.has(host) ? host : 'graph.microsoft.com'}/.default`;
}

/** The msal-node configuration for `credentials` (exported for tests and docs). */
export function msalConfiguration(credentials: AppCredentials): Configuration {
  const host = new URL(credentials.authorityHost);
  const microsoft = MICROSOFT_AUTHORITY_HOSTS.has(host.hostname.toLowerCase());
  const c = credentials.credential;
  return {
    auth: {
      clientId: credentials.clientId,
      authority: `${credentials.authorityHost.replace(/\/+$/, '')}/${credentials.tenantId}`,
      ...(c.kind === 'secret'
        ? { clientSecret: c.secret }
        : {
            clientCertificate: {
              thumbprintSha256: c.thumbprintSha256,
              privateKey: c.privateKey,
              ...(c.x5c ? { x5c: c.x5c } : {}),
            },
          }),
      ...(microsoft ? {} : { knownAuthorities: [host.host] }),
    },
    ...(microsoft ? {} : { system: { protocolMode: ProtocolMode.OIDC } }),
  };
}

/**
 * A token provider that can be told Graph refused a token. msal-node serves a cached token until
 * shortly before its `exp`, so a token Graph refuses earlier (401 `InvalidAuthenticationToken`:
 * clock skew, a revoked grant, a rotated credential) would be handed out again for up to an hour.
 */
export interface RefreshableTokenProvider extends AuthenticationProvider {
  /**
   * Graph refused `token` (401): the next `getAccessToken` that would return it asks Entra for a new
   * one instead (msal-node `skipCache`). Requests that saw the same token refused share one refresh.
   */
  refused(token: string): void;
}

/**
 * A graph-client `AuthenticationProvider` backed by msal-node client credentials.
 * @example const auth = createAppTokenProvider({ tenantId, clientId, credential: { kind: 'secret', secret }, authorityHost });
 */
export function createAppTokenProvider(credentials: AppCredentials): RefreshableTokenProvider {
  const cca = new ConfidentialClientApplication(msalConfiguration(credentials));
  const scopes = [credentials.scope ?? 'https://graph.microsoft.com/.default'];
  const refusedTokens = new Set<string>();
  let refreshing: Promise<string> | undefined;

  async function acquire(skipCache: boolean): Promise<string> {
    const result = await cca.acquireTokenByClientCredential({ scopes, ...(skipCache ? { skipCache } : {}) });
    if (!result?.accessToken) throw new Error('msal-node returned no access token');
    return result.accessToken;
  }

  return {
    async getAccessToken() {
      if (refreshing) return refreshing;
      const token = await acquire(false);
      if (!refusedTokens.has(token)) return token;
      // The cache still holds the refused token: one forced acquisition, shared, replaces it there.
      refreshing ??= acquire(true).finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },
    refused(token) {
      refusedTokens.add(token);
      // Only recent refusals matter (the cache holds one token per scope); keep the set small.
      if (refusedTokens.size > 8) refusedTokens.delete(refusedTokens.values().next().value as string);
    },
  };
}
