/**
 * Magento credentials (CHANNEL-APIS.md §1 "Auth"; developer.adobe.com/commerce/webapi/get-started/
 * authentication/gs-authentication-token/):
 *
 *   - integration: the integration's access token, sent as a bearer token. Magento accepts that
 *     only with `oauth/consumer/enable_integration_as_bearer = 1` (off by default since 2.4.4);
 *     otherwise every call is a 401, which no retry fixes.
 *   - admin: `POST /V1/integration/admin/token {username,password}` answers a bare JSON string,
 *     valid 4 h by default. It is fetched on first use, renewed before it expires and once more
 *     when Magento answers 401 (the lifetime is configurable, and an admin can revoke tokens).
 *
 * Secrets come from environment variables named in the settings, read once at start-up, and
 * never appear in a log line or an error.
 */
import { ChannelCallError, type ChannelHttp } from '../../channel-adapter.ts';
import { SynclineError } from '../../../runtime/errors.ts';
import { callFailure, unexpectedAnswer } from './magento-call-failure.ts';
import { responseErrorText } from './magento-error-text.ts';
import type { MagentoAuthSettings } from './magento-settings.ts';

export type MagentoCredentials =
  | { readonly type: 'integration'; readonly token: string }
  | { readonly type: 'admin'; readonly username: string; readonly password: string };

/** Renew a little before Magento's default 4 h (`oauth/access_token_lifetime/admin`). */
export const adminTokenRenewAfterMs = 3.5 * 60 * 60 * 1000;

function fromEnv(env: NodeJS.ProcessEnv, name: string, key: string, channelId: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new SynclineError(
      'SINK_SETUP',
      `channel ${channelId}: environment variable ${name} (sink.settings.auth.${key}) is not set; the Magento adapter needs it`,
    );
  }
  return value;
}

export function credentialsFromEnv(
  auth: MagentoAuthSettings,
  channelId: string,
  env: NodeJS.ProcessEnv = process.env,
): MagentoCredentials {
  if (auth.type === 'integration') {
    return { type: 'integration', token: fromEnv(env, auth.tokenEnv, 'tokenEnv', channelId) };
  }
  return {
    type: 'admin',
    username: fromEnv(env, auth.usernameEnv, 'usernameEnv', channelId),
    password: fromEnv(env, auth.passwordEnv, 'passwordEnv', channelId),
  };
}

export interface MagentoTokens {
  /** The `Authorization` header value. */
  authorization(http: ChannelHttp): Promise<string>;
  /** True when a 401 may be cured by a new token (admin); the token is dropped. */
  renewAfterRefusal(): boolean;
}

export function magentoTokens(
  credentials: MagentoCredentials,
  tokenUrl: string,
  now: () => number = Date.now,
): MagentoTokens {
  if (credentials.type === 'integration') {
    const header = `Bearer ${credentials.token}`;
    return { authorization: () => Promise.resolve(header), renewAfterRefusal: () => false };
  }
  let token: { value: string; expiresAt: number } | undefined;
  return {
    async authorization(http) {
      if (token === undefined || now() >= token.expiresAt) {
        const requestedAt = now();
        const value = await requestAdminToken(http, tokenUrl, credentials);
        token = { value, expiresAt: requestedAt + adminTokenRenewAfterMs };
      }
      return `Bearer ${token.value}`;
    },
    renewAfterRefusal() {
      token = undefined;
      return true;
    },
  };
}

async function requestAdminToken(
  http: ChannelHttp,
  url: string,
  credentials: { readonly username: string; readonly password: string },
): Promise<string> {
  const response = await http.request({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: { username: credentials.username, password: credentials.password },
    // Carries no record: it costs a request of the budget, no items.
    items: 0,
  });
  const what = 'Magento admin token';
  const failure = callFailure(what, response);
  if (failure) throw failure;
  if (response.status === 400) {
    // A malformed request or a refused account: a person must act, so it is not transient.
    const channelError = responseErrorText(response);
    throw new ChannelCallError(`${what}: Magento refused the credentials (400): ${channelError}`, {
      transient: false,
      status: 400,
      channelError,
      code: 'UNAUTHORIZED',
      // No token, no call: every call of the channel is refused until the account is fixed.
      channelWide: true,
    });
  }
  if (response.status !== 200 || typeof response.json !== 'string' || response.json === '') {
    throw unexpectedAnswer(what, response);
  }
  return response.json;
}
