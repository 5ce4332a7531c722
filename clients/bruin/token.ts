/**
 * OAuth2 client-credentials tokens for Bruin. One token is shared by every call until shortly
 * before it expires; concurrent callers wait for the same login instead of starting their own.
 */
import type { HttpClient, HttpResponse } from '../http';
import type { Config } from '../../config';
import { tokenResponse } from './wire';

/** Where Bruin is and how to log in; the rest of its configuration is the engine's business. */
export type BruinEndpoint = Pick<Config['bruin'], 'baseUrl' | 'loginUrl' | 'clientId' | 'clientSecret'>;

export const TOKEN_CALL = 'POST /identity/connect/token';

/** Tokens without a stated lifetime are treated as living this long. */
const ASSUMED_LIFETIME_SECONDS = 300;
const RENEWAL_MARGIN_SECONDS = 60;

interface CachedToken {
  value: string;
  renewAt: number;
}

export type Observe = <T>(call: string, run: () => Promise<T>) => Promise<T>;

export class BruinTokenSource {
  private current?: CachedToken;
  private inFlight?: Promise<string>;

  constructor(
    private readonly config: BruinEndpoint,
    private readonly http: HttpClient,
    private readonly observe: Observe,
    private readonly now: () => number = Date.now,
  ) {}

  /** The token in use, if any (for redaction: never to send). */
  get cached(): string | undefined {
    return this.current?.value;
  }

  async token(): Promise<string> {
    if (this.current && this.now() < this.current.renewAt) return this.current.value;
    this.inFlight ??= this.login().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Forgets a token the API refused; a newer token fetched meanwhile is kept. */
  invalidate(token: string): void {
    if (this.current?.value === token) this.current = undefined;
  }

  private login(): Promise<string> {
    return this.observe(TOKEN_CALL, async () => {
      const basic = Buffer.from(`${this.config.clientId}:${this.config.clientSecret}`).toString('base64');
      const loginAt = this.now();
      const response = await this.http.send(TOKEN_CALL, `${trimSlash(this.config.loginUrl)}/identity/connect/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'public_api' }).toString(),
      });
      if (response.status < 200 || response.status >= 300) {
        throw this.http.statusError(TOKEN_CALL, response, oauthError(response));
      }
      const { access_token, expires_in } = this.http.parse(TOKEN_CALL, response, tokenResponse);
      const lifetime = expires_in ?? ASSUMED_LIFETIME_SECONDS;
      // Short-lived tokens would never be reused with a fixed minute of margin.
      const margin = Math.min(RENEWAL_MARGIN_SECONDS, lifetime * 0.1);
      this.current = { value: access_token, renewAt: loginAt + (lifetime - margin) * 1000 };
      return access_token;
    });
  }
}

/**
 * Only the OAuth error code (`invalid_client`) is repeated: identity servers may echo the request,
 * and the request carried the client secret.
 */
function oauthError(response: HttpResponse): string | undefined {
  try {
    const body = JSON.parse(response.text) as { error?: unknown };
    if (typeof body.error === 'string' && /^[a-z_]{1,64}$/.test(body.error)) return body.error;
  } catch {
    // Not JSON: say nothing rather than risk quoting credentials.
  }
  return response.status === 400 || response.status === 401 ? 'credentials or grant rejected' : undefined;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
