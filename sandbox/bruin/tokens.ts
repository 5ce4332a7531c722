/** The sandbox identity server's bearer tokens: random, expiring, revocable all at once. */
import { randomBytes } from 'node:crypto';

interface IssuedToken {
  clientId: string;
  expiresAt: number;
}

export class TokenIssuer {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    public expiresInSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(clientId: string): { access_token: string; expires_in: number; token_type: 'Bearer'; scope: string } {
    // Real randomness: a token guessable from the sandbox seed would hide a client that skips login.
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { clientId, expiresAt: this.now() + this.expiresInSeconds * 1000 });
    return { access_token: token, expires_in: this.expiresInSeconds, token_type: 'Bearer', scope: 'public_api' };
  }

  /** The client a live token belongs to, or undefined when it is unknown, expired or revoked. */
  holder(token: string): string | undefined {
    const issued = this.tokens.get(token);
    if (!issued) return undefined;
    if (this.now() >= issued.expiresAt) {
      this.tokens.delete(token);
      return undefined;
    }
    return issued.clientId;
  }

  revokeAll(): number {
    const count = this.tokens.size;
    this.tokens.clear();
    return count;
  }
}
