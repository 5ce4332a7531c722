/**
 * A token bucket per key: `burst` messages at once, then `ratePerSecond`. Slack documents about one
 * message a second per channel and tolerates short bursts, which is what this imitates.
 */
export class ChannelRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {}

  /** Takes a token for `key`; when none is left, how long (ms) until one is. */
  take(key: string, now = Date.now()): { allowed: true } | { allowed: false; retryAfterMs: number } {
    if (this.ratePerSecond === Infinity) return { allowed: true };
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: ((1 - bucket.tokens) / this.ratePerSecond) * 1000 };
  }

  clear(): void {
    this.buckets.clear();
  }
}
