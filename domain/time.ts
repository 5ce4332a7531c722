import { DateTime } from 'luxon';

/** An ISO instant as people in `timezone` read it: `2026-11-28 02:41:26 EST`. */
export function formatInZone(iso: string, timezone: string): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(timezone).toFormat('yyyy-LL-dd HH:mm:ss ZZZZ');
}
