/**
 * Teams SSO for the tab's API: the token the tab got from `authentication.getAuthToken()` arrives as
 * `Authorization: Bearer …` and is checked with jose against the tenant's signing keys (the
 * issuer's JWKS, fetched and cached by `createRemoteJWKSet`): signature (RS256), `iss` (the tenant's
 * v2.0 issuer, or v1.0's `https://sts.windows.net/{tid}/` when the app registration issues v1
 * tokens), `aud` (the app's client id or its Application ID URI, as in the manifest's
 * `webApplicationInfo`), `exp`/`nbf` (five minutes' leeway for clock skew), `tid`, and the delegated scope
 * `access_as_user` in `scp` (an app-only token names no person). Anything else
 * is a `TabAuthError`, answered 401.
 *
 * In local mode the issuer is the Microsoft 365 emulator's, which signs delegated tokens for
 * directory people the same way.
 *
 * @example
 * const sso = createSsoVerifier({ authorityHost: 'https://login.microsoftonline.com', tenantId, audiences: [clientId, `api://host/${clientId}`] });
 * const who = await sso.verify(request.raw.headers.authorization);
 */
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';

/** The delegated scope the app registration exposes for Teams SSO (`api://…/access_as_user`). */
export const SSO_SCOPE = 'access_as_user';

export interface SsoSettings {
  readonly authorityHost: string;
  readonly tenantId: string;
  /** What `aud` may be: the client id and the Application ID URI. */
  readonly audiences: readonly string[];
}

/** The signed-in person, as the token names them. */
export interface SsoIdentity {
  readonly oid: string;
  readonly tenantId: string;
  /** `preferred_username` (v2.0) or `upn` (v1.0), lower-cased: their sign-in address. */
  readonly username: string | null;
  readonly name: string | null;
}

export class TabAuthError extends Error {
  override readonly name = 'TabAuthError';
}

export interface SsoVerifier {
  readonly settings: SsoSettings;
  /** Checks an `Authorization` header's bearer token; throws `TabAuthError` when it is not valid. */
  verify(authorization: string | undefined): Promise<SsoIdentity>;
}

export function createSsoVerifier(settings: SsoSettings): SsoVerifier {
  const host = settings.authorityHost.replace(/\/+$/, '');
  const keys = createRemoteJWKSet(new URL(`${host}/${settings.tenantId}/discovery/v2.0/keys`), {
    cooldownDuration: 30_000,
    cacheMaxAge: 12 * 60 * 60_000,
  });
  const issuers = [`${host}/${settings.tenantId}/v2.0`, `https://sts.windows.net/${settings.tenantId}/`];
  return {
    settings,
    async verify(authorization) {
      const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*$/i.exec(
        authorization ?? '',
      );
      if (!match?.[1]) throw new TabAuthError('a Teams SSO bearer token is required');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(match[1], keys, {
          algorithms: ['RS256'],
          issuer: issuers,
          audience: [...settings.audiences],
          clockTolerance: 300,
          requiredClaims: ['exp', 'iat', 'tid', 'oid'],
        }));
      } catch (error) {
        throw new TabAuthError(reason(error));
      }
      if (payload.tid !== settings.tenantId) throw new TabAuthError('the token is for another tenant');
      // A delegated token names its scopes in scp; an app-only token (roles, no scp) names no person.
      const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
      if (!scopes.includes(SSO_SCOPE))
        throw new TabAuthError(`the token is not a signed-in person's (no ${SSO_SCOPE} scope)`);
      const username = stringClaim(payload.preferred_username) ?? stringClaim(payload.upn);
      return {
        oid: String(payload.oid).toLowerCase(),
        tenantId: settings.tenantId,
        username: username?.toLowerCase() ?? null,
        name: stringClaim(payload.name),
      };
    },
  };
}

function stringClaim(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function reason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `the token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is not valid';
  if (error instanceof errors.JWKSNoMatchingKey) return "the token is not signed with the tenant's keys";
  return 'the token is not valid';
}
