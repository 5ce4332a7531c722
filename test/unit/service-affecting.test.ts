import {
  deviceTroubles,
  linkTroubles,
  noteNamesAnyTrouble,
  noteNamesTrouble,
  troubleNote,
  troubleSlackMessage,
  troubleWorkflowId,
  troubleWorkflowIdBySerial,
  type LinkSample,
  type TroubleReport,
} from '../../domain/service-affecting';
import { engineNote, noteFields } from '../../domain/engine-notes';

const healthy = { bestLatencyMsRx: 10, bestLatencyMsTx: 10, bestLossPctRx: 0, bestLossPctTx: 0 };
const wired = (metrics: Partial<LinkSample> = {}): LinkSample => ({
  interface: 'GE1',
  displayName: 'Comcast',
  backupState: 'UNCONFIGURED',
  serviceGroups: ['PUBLIC_WIRED'],
  ...healthy,
  ...metrics,
});
const wireless = (metrics: Partial<LinkSample> = {}): LinkSample => wired({ interface: 'CELL1', serviceGroups: ['PUBLIC_WIRELESS'], ...metrics });

describe('service affecting thresholds (SPEC §4 P3: strictly above)', () => {
  it.each([
    ['wired latency at 50 ms Rx', wired({ bestLatencyMsRx: 50 }), []],
    ['wired latency at 50.01 ms Rx', wired({ bestLatencyMsRx: 50.01 }), ['Latency']],
    ['wired latency at 51 ms Tx only', wired({ bestLatencyMsTx: 51 }), ['Latency']],
    ['wireless latency at 120 ms', wireless({ bestLatencyMsRx: 120, bestLatencyMsTx: 120 }), []],
    ['wireless latency at 121 ms Tx', wireless({ bestLatencyMsTx: 121 }), ['Latency']],
    ['wireless latency at 100 ms (a wired trouble, not a wireless one)', wireless({ bestLatencyMsRx: 100 }), []],
    ['wired loss at 5 %', wired({ bestLossPctRx: 5, bestLossPctTx: 5 }), []],
    ['wired loss at 5.01 % Tx', wired({ bestLossPctTx: 5.01 }), ['Packet Loss']],
    ['wireless loss at 8 %', wireless({ bestLossPctRx: 8 }), []],
    ['wireless loss at 8.5 % Rx', wireless({ bestLossPctRx: 8.5 }), ['Packet Loss']],
    ['wireless loss at 6 % (a wired trouble only)', wireless({ bestLossPctRx: 6 }), []],
    ['both troubles on one wired link', wired({ bestLatencyMsRx: 80, bestLossPctTx: 9 }), ['Latency', 'Packet Loss']],
  ])('%s', (_case, link, kinds) => {
    expect(linkTroubles(link).map((t) => t.kind)).toEqual(kinds);
  });

  it('reports the medium, threshold and both directions', () => {
    expect(linkTroubles(wireless({ bestLatencyMsRx: 130, bestLatencyMsTx: 20 }))).toEqual([
      { kind: 'Latency', interface: 'CELL1', linkName: 'Comcast', wireless: true, threshold: 120, rx: 130, tx: 20 },
    ]);
  });

  it('skips STANDBY links and links without service groups', () => {
    const bad = { bestLatencyMsRx: 300 };
    expect(
      deviceTroubles([
        wired({ ...bad, backupState: 'STANDBY' }),
        wired({ ...bad, interface: 'GE2', serviceGroups: [] }),
        wired({ ...bad, interface: 'GE3', backupState: 'ACTIVE' }),
      ]).map((t) => t.interface),
    ).toEqual(['GE3']);
  });
});

const report: TroubleReport = {
  host: 'vco.example.net',
  enterpriseId: 12,
  edgeId: 345,
  serial: 'VC05200028729',
  edgeName: 'TITAN-MIAMI-001',
  enterpriseName: 'Titan America|85940|',
  clientId: 85940,
  trouble: { kind: 'Latency', interface: 'GE1', linkName: 'Comcast Business', wireless: false, threshold: 50, rx: 72.456, tx: 12 },
  scanStart: '2024-07-01T13:50:00.000Z',
  scanEnd: '2024-07-01T14:00:00.000Z',
};

describe('service affecting note', () => {
  const note = troubleNote(report, { portalUrl: 'https://vco.example.net', timezone: 'US/Eastern' });

  it('is the marker line, then the Key: value lines of SPEC §4 P3 in order', () => {
    const lines = note.split('\n');
    expect(lines[0]).toBe('#*Automation Engine*#');
    expect(lines.slice(1).map((l) => l.slice(0, l.indexOf(':')))).toEqual([
      'Edge Name', 'Trouble', 'Interface', 'Name', 'Threshold', 'Interval for Scan', 'Scan Time', 'Input', 'Output', 'Links',
    ]);
    const fields = noteFields(note);
    expect(fields.get('Edge Name')).toBe('TITAN-MIAMI-001');
    expect(fields.get('Threshold')).toBe('50 ms (wired)');
    expect(fields.get('Interval for Scan')).toBe('10m');
    expect(fields.get('Scan Time')).toBe('2024-07-01 10:00:00 EDT');
    expect(fields.get('Input')).toBe('72.46 ms');
    expect(fields.get('Output')).toBe('12 ms');
    const edge = 'https://vco.example.net/#!/operator/customer/12/monitor/edge/345/';
    expect(fields.get('Links')).toBe(`[Edge|${edge}] - [QoE|${edge}qoe/] - [Transport|${edge}links/]`);
  });

  it.each([
    ['its own note, Latency', 'own', 'Latency', true],
    ['its own note, Packet Loss', 'own', 'Packet Loss', false],
    ['the old system\'s note (marker and Trouble only)', '#*Automation Engine*#\nTrouble: Latency\n', 'Latency', true],
    ['the old system\'s note, other trouble', '#*Automation Engine*#\nTrouble: Latency\n', 'Packet Loss', false],
    ['an old note with CRLF and an edge line', '#*Automation Engine*#\r\nTrouble: Packet Loss\r\nEdge Name: Store 1', 'Packet Loss', true],
    ['a note without the marker', 'Trouble: Latency\nInterface: GE1', 'Latency', false],
    ['an engine note without a Trouble field that names it', '#*Automation Engine*#\nLatency above threshold on GE2', 'Latency', true],
  ] as const)('%s names %s: %s', (_what, text, kind, expected) => {
    expect(noteNamesTrouble(text === 'own' ? note : text, { kind })).toBe(expected);
  });

  it('names a kind on every interface: one open note of a kind covers the edge (SPEC §4 P3)', () => {
    expect(noteNamesTrouble(note, { kind: 'Latency' })).toBe(true);
    expect(noteNamesAnyTrouble(note)).toBe(true);
    expect(noteNamesAnyTrouble('#*Automation Engine*#\nTimeStamp: 2024-07-01')).toBe(false);
  });

  it('is not fooled by an edge name that contains a trouble name', () => {
    const packetLoss = troubleNote(
      { ...report, edgeName: 'Latency lab', trouble: { ...report.trouble, kind: 'Packet Loss' } },
      { portalUrl: 'https://vco.example.net', timezone: 'UTC' },
    );
    expect(noteNamesTrouble(packetLoss, { kind: 'Latency' })).toBe(false);
  });

  it('cannot be forged by an edge name with line breaks', () => {
    const forged = troubleNote(
      { ...report, edgeName: 'X\nTrouble: Packet Loss', trouble: { ...report.trouble, kind: 'Latency' } },
      { portalUrl: 'https://vco.example.net', timezone: 'UTC' },
    );
    expect(noteNamesTrouble(forged, { kind: 'Packet Loss' })).toBe(false);
    expect(engineNote([['A', 'b\r\nc']])).toBe('#*Automation Engine*#\nA: b c');
  });

  it('gives one workflow id per edge, interface and trouble, naming the edge by its VCO ids (never its serial)', () => {
    const edge = { host: 'vco.example.net', enterpriseId: 12, edgeId: 34 };
    expect(troubleWorkflowId(edge, { interface: 'GE1', kind: 'Packet Loss' })).toBe('service-affecting-vco.example.net-12-34-GE1-packet-loss');
    expect(troubleWorkflowId(edge, { interface: 'GE1', kind: 'Latency' })).not.toBe(troubleWorkflowId(edge, { interface: 'GE2', kind: 'Latency' }));
    expect(troubleWorkflowId(edge, { interface: 'GE1', kind: 'Latency' })).not.toBe(troubleWorkflowId({ ...edge, edgeId: 35 }, { interface: 'GE1', kind: 'Latency' }));
    // Runs started before the change keep the id they had.
    expect(troubleWorkflowIdBySerial('VC1', { interface: 'GE1', kind: 'Packet Loss' })).toBe('service-affecting-VC1-GE1-packet-loss');
  });

  it('escapes outside values in the Slack post', () => {
    const message = troubleSlackMessage({ ...report, edgeName: '<!channel> & co' }, 5100001, 'https://app.bruin.com/t/5100001');
    const text = JSON.stringify(message);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt; &amp; co');
    expect(message.blocks[0]?.text.text).toContain('<https://app.bruin.com/t/5100001|#5100001>');
  });
});
