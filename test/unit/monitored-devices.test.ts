import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMonitoredDevices } from '../../config';

const device = (over: Record<string, unknown> = {}) => ({
  serial: 'VC1',
  host: 'vco.example.net',
  enterpriseId: 1,
  edgeId: 2,
  contact: { name: 'Ann', email: 'ann@example.com', phone: '555' },
  ...over,
});

function problemsFor(entries: unknown): { devices: number; problems: string[] } {
  const file = join(mkdtempSync(join(tmpdir(), 'devices-')), 'devices.json');
  writeFileSync(file, JSON.stringify(entries));
  const problems: string[] = [];
  const devices = loadMonitoredDevices(file, problems, ['vco.example.net']);
  return { devices: devices.length, problems };
}

describe('MONITORED_DEVICES_FILE', () => {
  it.each([
    ['a contact without e-mail', [device({ contact: { name: 'A', phone: '1' } })], /entry 1 \(serial VC1\): contact\.email/],
    ['an edge id that is not a number', [device(), device({ serial: 'VC2', edgeId: 'x' })], /entry 2 \(serial VC2\): edgeId/],
    ['a host no orchestrator is configured for', [device({ host: 'other.net' })], /entry 1 \(serial VC1\): host "other\.net" is not among the configured orchestrators/],
    ['a serial listed twice', [device(), device({ edgeId: 3 })], /entry 2 \(serial VC1\): serial is listed twice/],
    ['something other than a list', { serial: 'VC1' }, /must be a JSON array of devices/],
  ])('names the bad entry: %s', (_case, entries, message) => {
    const { problems } = problemsFor(entries);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('keeps the good entries', () => {
    expect(problemsFor([device(), device({ serial: 'VC2', edgeId: 3 })])).toEqual({ devices: 2, problems: [] });
  });
});
