/** P3's limits and look-backs from the environment (SERVICE_AFFECTING_*): defaults, `<wired>/<wireless>`, and what is refused. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { loadConfig } from '../../config';
import { ROOT } from '../support/paths';

const example = Object.fromEntries(Object.entries(parse(readFileSync(join(ROOT, '.env.example'), 'utf8'))).map(([k, v]) => [k, v.replace(/\s+#.*$/, '')]));
const base = Object.fromEntries(Object.entries(example).filter(([k]) => !k.startsWith('SERVICE_AFFECTING_') || k === 'SERVICE_AFFECTING_INTERVAL'));
const MIN = 60_000;

describe('SERVICE_AFFECTING_* configuration', () => {
  it('defaults to the documented limits', () => {
    expect(loadConfig(base).serviceAffecting).toEqual({
      latencyMs: { wired: 50, wireless: 120 },
      packetLossPct: { wired: 5, wireless: 8 },
      jitterMs: { wired: 50, wireless: 50 },
      bandwidthPct: { wired: 80, wireless: 80 },
      instabilityEvents: { wired: 10, wireless: 10 },
      bandwidthLookback: 30 * MIN,
      instabilityLookback: 60 * MIN,
      resolveAfter: 20 * MIN,
      resolveInstabilityBelow: 4,
    });
  });

  it.each([
    ['SERVICE_AFFECTING_JITTER_MS', '30/60', { jitterMs: { wired: 30, wireless: 60 } }],
    ['SERVICE_AFFECTING_BANDWIDTH_PCT', '90', { bandwidthPct: { wired: 90, wireless: 90 } }],
    ['SERVICE_AFFECTING_PACKET_LOSS_PCT', ' 2.5 / 4 ', { packetLossPct: { wired: 2.5, wireless: 4 } }],
    ['SERVICE_AFFECTING_INSTABILITY_LOOKBACK', '2h', { instabilityLookback: 120 * MIN }],
    ['SERVICE_AFFECTING_RESOLVE_INSTABILITY_BELOW', '2', { resolveInstabilityBelow: 2 }],
  ])('%s=%s', (name, value, expected) => {
    expect(loadConfig({ ...base, [name]: value }).serviceAffecting).toMatchObject(expected);
  });

  it.each([
    ['SERVICE_AFFECTING_JITTER_MS', '50/60/70'],
    ['SERVICE_AFFECTING_LATENCY_MS', 'fast'],
    ['SERVICE_AFFECTING_BANDWIDTH_PCT', '0/80'],
    ['SERVICE_AFFECTING_INSTABILITY_EVENTS', '/10'],
    ['SERVICE_AFFECTING_BANDWIDTH_LOOKBACK', 'soon'],
    ['SERVICE_AFFECTING_RESOLVE_INSTABILITY_BELOW', '0'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(name);
  });
});
