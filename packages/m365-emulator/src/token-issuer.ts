/**
 * An OIDC issuer for the client-credentials flow, shaped like Microsoft Entra's v2.0 endpoints so that
 * @azure/msal-node works unchanged with
 * `{ auth: { authority: 'https://127.0.0.1:PORT/<tenant>', knownAuthorities: ['127.0.0.1:PORT'] },
 *    system: { protocolMode: 'OIDC' } }`.
 *
 * Routes (tenant = tenant id or a domain from the directory):
 * - GET  /{tenant}/.well-known/openid-configuration (also under /{tenant}/v2.0/)
 * - GET  /{tenant}/discovery/v2.0/keys
 * - POST /{tenant}/oauth2/v2.0/token   grant_type=client_credentials, scope=<resource>/.default,
 *        client_secret (body or Basic) or client_assertion (a JWT whose iss and sub are the client id)
 *
 * Access tokens are RS256 JWTs with Graph's app-only claims (aud, iss, tid, appid, oid, roles…).
 */
import { randomUUID } from 'node:crypto';
import {
  decodeJwt,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from 'jose';
import { type HttpRequest, type HttpResponse, header, json } from './http.ts';
import { stableGuid } from './ids.ts';

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** App-only permissions the emulator grants every client. */
export const GRANTED_ROLES = [
  'Mail.ReadWrite',
  'Mail.Send',
  'Calendars.ReadWrite',
  'User.Read.All',
  'MailboxSettings.Read',
  'TeamsAppInstallation.ReadWriteForUser.All',
] as const;

export interface ClientRegistration {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly displayName: string;
}

export interface TokenClaims extends JWTPayload {
  tid: string;
  appid: string;
  oid: string;
  roles: string[];
}

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; message: string };

/** The person a delegated token is for (Teams SSO's claims: oid, preferred_username, name, scp). */
export interface SignedInUser {
  readonly oid: string;
  readonly preferredUsername: string;
  readonly name: string;
  /** Delegated scopes, space-separated in the token; default `access_as_user` (Teams SSO). */
  readonly scopes?: readonly string[];
}

export interface TokenIssuerOptions {
  /** The server's origin, e.g. https://127.0.0.1:8443, known once it listens. */
  origin: () => string;
  /** Tenant id by tenant id or domain (lower-case). */
  tenants: ReadonlyMap<string, string>;
  clients: readonly ClientRegistration[];
  /** Audiences Graph accepts besides https://graph.microsoft.com. */
  extraAudiences?: readonly string[];
  tokenLifetimeSeconds?: number;
}

export interface TokenIssuer {
  /** Answers issuer routes; undefined when the path is not one. */
  handle(req: HttpRequest): Promise<HttpResponse | undefined>;
  verify(token: string): Promise<VerifyResult>;
  /** Mints a token directly (admin API and tests), e.g. an expired one. */
  mint(options: {
    tenantId: string;
    clientId: string;
    audience?: string;
    expiresInSeconds?: number;
    /** A delegated (signed-in user) token instead of an app-only one: Teams SSO in local mode. */
    user?: SignedInUser;
  }): Promise<string>;
  issuerFor(tenantId: string): string;
}

export async function createTokenIssuer(options: TokenIssuerOptions): Promise<TokenIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
  const lifetime = options.tokenLifetimeSeconds ?? 3599;
  const audiences = [GRAPH_RESOURCE, `${GRAPH_RESOURCE}/`, GRAPH_APP_ID, ...(options.extraAudiences ?? [])];
  const clients = new Map(options.clients.map((c) => [c.clientId, c]));

  const issuerFor = (tenantId: string) => `${options.origin()}/${tenantId}/v2.0`;

  async function mint(m: {
    tenantId: string;
    clientId: string;
    audience?: string;
    expiresInSeconds?: number;
    user?: SignedInUser;
  }) {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + (m.expiresInSeconds ?? lifetime);
    const client = clients.get(m.clientId);
    if (m.user) {
      // Entra's v2.0 delegated access token, as Teams SSO (getAuthToken) hands the tab: aud is the
      // app's own API, scp its delegated scope, and the person is oid / preferred_username.
      return new SignJWT({
        tid: m.tenantId,
        azp: m.clientId,
        azpacr: '0',
        oid: m.user.oid,
        preferred_username: m.user.preferredUsername,
        name: m.user.name,
        scp: (m.user.scopes ?? ['access_as_user']).join(' '),
        uti: randomUUID(),
        ver: '2.0',
      })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
        .setIssuer(issuerFor(m.tenantId))
        .setSubject(stableGuid(`sub:${m.user.oid}:${m.clientId}`))
        .setAudience(m.audience ?? m.clientId)
        .setIssuedAt(Math.min(now, exp - 1))
        .setNotBefore(Math.min(now, exp - 1))
        .setExpirationTime(exp)
        .sign(privateKey);
    }
    return new SignJWT({
      tid: m.tenantId,
      appid: m.clientId,
      azp: m.clientId,
      app_displayname: client?.displayName ?? m.clientId,
      appidacr: '1',
      idtyp: 'app',
      oid: servicePrincipalId(m.clientId, m.tenantId),
      roles: [...GRANTED_ROLES],
      uti: randomUUID(),
      ver: '1.0',
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
      .setIssuer(issuerFor(m.tenantId))
      .setSubject(servicePrincipalId(m.clientId, m.tenantId))
      .setAudience(m.audience ?? GRAPH_RESOURCE)
      .setIssuedAt(Math.min(now, exp - 1))
      .setNotBefore(Math.min(now, exp - 1))
      .setExpirationTime(exp)
      .sign(privateKey);
  }

  async function verify(token: string): Promise<VerifyResult> {
    try {
      const { payload } = await jwtVerify(token, publicKey, { audience: audiences, algorithms: ['RS256'] });
      const claims = payload as TokenClaims;
      if (payload.iss !== issuerFor(claims.tid)) return { ok: false, message: 'Invalid issuer.' };
      return { ok: true, claims };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        return { ok: false, message: 'Lifetime validation failed, the token is expired.' };
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud')
        return { ok: false, message: 'Access token validation failure. Invalid audience.' };
      if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid)
        return { ok: false, message: 'IDX14100: JWT is not well formed.' };
      return { ok: false, message: 'Access token validation failure.' };
    }
  }

  async function handle(req: HttpRequest): Promise<HttpResponse | undefined> {
    const match =
      /^\/([^/]+)(?:\/v2\.0)?\/(\.well-known\/openid-configuration|discovery\/v2\.0\/keys|oauth2\/v2\.0\/token)$/.exec(
        req.url.pathname,
      );
    if (!match) return undefined;
    const [, tenantSegment = '', endpoint] = match;
    const tenantId = options.tenants.get(decodeURIComponent(tenantSegment).toLowerCase());
    if (!tenantId)
      return aadError(
        400,
        'invalid_request',
        90002,
        `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID.`,
      );
    const base = `${options.origin()}/${tenantSegment}`;
    if (endpoint === '.well-known/openid-configuration' && req.method === 'GET')
      return json(200, {
        issuer: issuerFor(tenantId),
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        grant_types_supported: ['client_credentials'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        tenant_region_scope: 'EU',
        cloud_instance_name: 'emulator.local',
      });
    if (endpoint === 'discovery/v2.0/keys' && req.method === 'GET') return json(200, { keys: [publicJwk] });
    if (endpoint === 'oauth2/v2.0/token' && req.method === 'POST')
      return token(req, tenantId, `${base}/oauth2/v2.0/token`);
    return aadError(405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.');
  }

  async function token(req: HttpRequest, tenantId: string, tokenEndpoint: string): Promise<HttpResponse> {
    const form = new URLSearchParams(req.rawBody);
    const grant = form.get('grant_type');
    if (grant !== 'client_credentials')
      return aadError(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grant ?? ''}'.`,
      );
    let clientId = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    const basic = header(req, 'authorization');
    if (basic?.startsWith('Basic ')) {
      const [id, pw] = Buffer.from(basic.slice(6), 'base64').toString().split(':');
      clientId ??= decodeURIComponent(id ?? '');
      secret ??= decodeURIComponent(pw ?? '');
    }
    const assertion = form.get('client_assertion');
    if (!clientId && assertion) clientId = safeDecode(assertion)?.iss;
    const client = clientId ? clients.get(clientId) : undefined;
    if (!client)
      return aadError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId ?? ''}' was not found in the directory '${tenantId}'.`,
      );
    if (assertion) {
      // Certificate credentials: the emulator checks the assertion's claims, not the certificate itself.
      const claims = safeDecode(assertion);
      const audOk =
        claims && [claims.aud].flat().some((a) => a === tokenEndpoint || a?.endsWith('/oauth2/v2.0/token'));
      if (!claims || claims.iss !== client.clientId || claims.sub !== client.clientId || !audOk)
        return aadError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
    } else if (secret !== client.clientSecret)
      return aadError(
        401,
        'invalid_client',
        7000215,
        'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
      );
    const scope = form.get('scope') ?? '';
    const resource = /^(\S+)\/\.default$/.exec(scope.trim())?.[1];
    if (!resource)
      return aadError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    const accessToken = await mint({ tenantId, clientId: client.clientId, audience: resource });
    return json(200, {
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: accessToken,
    });
  }

  return { handle, verify, mint, issuerFor };
}

function safeDecode(jwt: string): JWTPayload | undefined {
  try {
    return decodeJwt(jwt);
  } catch {
    return undefined;
  }
}

/** A stable service-principal object id per client and tenant. */
const servicePrincipalId = (clientId: string, tenantId: string) => stableGuid(`sp:${clientId}:${tenantId}`);

function aadError(status: number, error: string, code: number, description: string): HttpResponse {
  const traceId = randomUUID();
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
    trace_id: traceId,
  });
}
