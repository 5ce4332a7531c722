/**
 * Loopback hosts: traffic to them never leaves the machine, so plaintext there (the sandbox, a
 * local dev server) exposes nothing. Every "TLS unless asked otherwise" rule exempts them.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().replace(/^\[|\]$/g, '').toLowerCase();
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(name) ||
    /^::ffff:127(\.\d{1,3}){3}$/.test(name)
  );
}

/** The host part of `host:port`, `[v6]:port` or a bare host. */
export function hostOf(address: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(address);
  if (bracketed) return bracketed[1] as string;
  const parts = address.split(':');
  return parts.length === 2 ? (parts[0] as string) : address;
}
