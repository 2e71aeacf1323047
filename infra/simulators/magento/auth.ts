/**
 * Who may call the simulated REST API.
 *
 * - Integration access tokens are accepted as `Authorization: Bearer` only when
 *   `oauth/consumer/enable_integration_as_bearer` is 1; it has been 0 by default since 2.4.4, when they must
 *   sign with OAuth 1.0a instead (which the simulator does not implement: such requests get the 401).
 * - `POST /V1/integration/admin/token` trades an admin's credentials for a bearer token valid 4 hours
 *   (`oauth/access_token_lifetime/admin`); since 2.4.4 these are JWTs.
 *
 * Sources: developer.adobe.com/commerce/webapi/get-started/authentication/gs-authentication-token/ and
 * `Integration\Model\AdminTokenService`.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const ADMIN_TOKEN_TTL_MS = 4 * 60 * 60 * 1000;

/** The caller of a request, as `Authorization\Model\UserContextInterface` would report it. */
export interface ApiUser {
  /** `user_type`: 1 = integration, 2 = admin. */
  userType: 1 | 2;
  userId: number;
}

export interface TokenRegistryOptions {
  integrationTokens: readonly string[];
  bearerIntegration: boolean;
  adminUsers: Readonly<Record<string, string>>;
  clock?: () => number;
}

export class TokenRegistry {
  private readonly adminTokens = new Map<string, { userId: number; expiresAt: number }>();
  private readonly secret = randomBytes(32);
  private readonly clock: () => number;

  constructor(private readonly options: TokenRegistryOptions) {
    this.clock = options.clock ?? (() => Date.now());
  }

  /** A new admin token, or null when the credentials are wrong. */
  issueAdminToken(username: string, password: string): string | null {
    const names = Object.keys(this.options.adminUsers);
    const index = names.indexOf(username);
    if (index < 0 || this.options.adminUsers[username] !== password) return null;
    const issuedAt = this.clock();
    const userId = index + 1;
    const token = this.jwt({
      kid: '1',
      alg: 'HS256',
      uid: userId,
      utypid: 2,
      iat: Math.floor(issuedAt / 1000),
      exp: Math.floor((issuedAt + ADMIN_TOKEN_TTL_MS) / 1000),
    });
    this.adminTokens.set(token, { userId, expiresAt: issuedAt + ADMIN_TOKEN_TTL_MS });
    return token;
  }

  /** The caller behind an `Authorization` header, or null (missing, unknown, expired or refused token). */
  authenticate(authorization: string | undefined): ApiUser | null {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const token = match?.[1];
    if (!token) return null;
    const admin = this.adminTokens.get(token);
    if (admin) {
      if (this.clock() < admin.expiresAt) return { userType: 2, userId: admin.userId };
      this.adminTokens.delete(token);
      return null;
    }
    const integration = this.options.integrationTokens.indexOf(token);
    if (integration >= 0 && this.options.bearerIntegration) return { userType: 1, userId: integration + 1 };
    return null;
  }

  private jwt(claims: Record<string, string | number>): string {
    const { kid, alg, ...payload } = claims;
    const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ kid, alg })}.${encode(payload)}`;
    return `${unsigned}.${createHmac('sha256', this.secret).update(unsigned).digest('base64url')}`;
  }
}
