import { triagePages } from '../../domain/triage-notes';
import { noteFields } from '../../domain/engine-notes';
import {
  eventInterface,
  eventNotes,
  lastTriageTimestamp,
  nextTriageStep,
  NOTE_LIMIT,
  triageNote,
  type TriageEdge,
  type TriageEvent,
} from '../../domain/triage-notes';

const edge: TriageEdge = {
  host: 'vco.example.net',
  enterpriseId: 12,
  edgeId: 345,
  serial: 'VC05200028729',
  edgeName: 'TITAN-MIAMI-001',
  edgeState: 'OFFLINE',
  links: [
    { interface: 'GE1', displayName: 'Comcast Business', state: 'DISCONNECTED' },
    { interface: 'GE2', displayName: 'AT&T', state: 'STABLE' },
  ],
};

const event = (name: string, at: string, message = ''): TriageEvent => ({ event: name, eventTime: at, message });

describe('first triage note', () => {
  const events = [
    event('EDGE_DOWN', '2024-07-01T10:00:00.000Z', 'Edge has gone down'),
    event('EDGE_UP', '2024-07-01T11:00:00.000Z', 'Edge has come up'),
    event('EDGE_DOWN', '2024-07-02T09:00:00.000Z', 'Edge has gone down'),
    event('LINK_DEAD', '2024-07-02T08:59:00.000Z', 'Link GE1 is now DEAD'),
    event('LINK_ALIVE', '2024-07-01T10:59:00.000Z', 'Link GE1 is no longer DEAD'),
    event('LINK_DEAD', '2024-07-01T09:59:00.000Z', 'Link GE2 is now DEAD'),
  ];
  const options = { portalUrl: 'https://vco.example.net', timezone: 'US/Eastern', now: '2024-07-02T12:00:00.000Z' };

  it('lists the edge, its GE1/GE2 links and the latest of each event, with a timestamp last', () => {
    const note = triageNote(edge, events, { name: 'Repair Completed', probability: 0.873 }, options);
    const lines = note.split('\n');
    expect(lines.slice(0, 2)).toEqual(['#*Automation Engine*#', 'Triage (VeloCloud)']);
    expect(lines.at(-1)).toBe('TimeStamp: 2024-07-02T08:00:00.000-04:00');
    expect(Object.fromEntries(noteFields(note))).toMatchObject({
      'Orchestrator Instance': 'vco.example.net',
      'Edge Name': 'TITAN-MIAMI-001',
      'Edge Status': 'OFFLINE',
      'Interface GE1 Label': 'Comcast Business',
      'Interface GE1 Status': 'DISCONNECTED',
      'Interface GE2 Label': 'AT&T',
      'Interface GE2 Status': 'STABLE',
      'Last Edge Online': '2024-07-01T07:00:00.000-04:00',
      'Last Edge Offline': '2024-07-02T05:00:00.000-04:00',
      'Last GE1 Interface Online': '2024-07-01T06:59:00.000-04:00',
      'Last GE1 Interface Offline': '2024-07-02T04:59:00.000-04:00',
      'Last GE2 Interface Online': 'none in the last 7 days',
      'Last GE2 Interface Offline': '2024-07-01T05:59:00.000-04:00',
      'T7 Prediction': 'Repair Completed (87.3% probability)',
    });
    expect(noteFields(note).get('Links')).toContain('[QoE|https://vco.example.net/#!/operator/customer/12/monitor/edge/345/qoe/]');
  });

  it('says so when T7 gave no prediction', () => {
    const note = triageNote(edge, [], { unavailable: 'T7 did not answer' }, options);
    expect(noteFields(note).get('T7 Prediction')).toBe('unavailable (T7 did not answer)');
    expect(noteFields(note).get('Last Edge Online')).toBe('none in the last 7 days');
  });

  it('reads the interface from link event messages', () => {
    expect(eventInterface(event('LINK_DEAD', '', 'Link GE2 is now DEAD'))).toBe('GE2');
    expect(eventInterface(event('EDGE_DOWN', '', 'Link GE2 is now DEAD'))).toBeUndefined();
  });
});

describe('what a triage run does', () => {
  const stamped = (iso: string) => ({ noteValue: `#*Automation Engine*#\nTriage (VeloCloud)\nTimeStamp: ${iso}` });
  it.each([
    ['no note at all', [], 'first-note'],
    ['only people\'s notes', [{ noteValue: 'Called the site. TimeStamp: 2024-01-01T00:00:00Z' }], 'first-note'],
    ['an engine note without a timestamp (another process)', [{ noteValue: '#*Automation Engine*#\nOutage' }], 'first-note'],
    ['a triage note 29 minutes old', [stamped('2024-07-02T07:31:00.000-04:00')], 'wait'],
    ['a triage note exactly 30 minutes old', [stamped('2024-07-02T07:30:00.000-04:00')], 'events'],
    ['an old triage note and a recent event note', [stamped('2024-07-01T08:00:00.000-04:00'), stamped('2024-07-02T07:50:00.000-04:00')], 'wait'],
  ])('%s', (_case, notes, step) => {
    expect(nextTriageStep(notes, '2024-07-02T12:00:00.000Z').step).toBe(step);
  });

  it('takes the newest timestamp, whatever the zone it was written in', () => {
    expect(lastTriageTimestamp([stamped('2024-07-02T07:30:00.000-04:00'), stamped('2024-07-02T11:20:00.000Z')])).toBe('2024-07-02T11:30:00.000Z');
  });
});

describe('event notes', () => {
  const since = '2024-07-02T12:00:00.000Z';
  const many = Array.from({ length: 30 }, (_, i) =>
    event(i % 2 ? 'LINK_ALIVE' : 'LINK_DEAD', new Date(Date.parse(since) + (30 - i) * 60_000).toISOString(), `Link GE${(i % 2) + 1} is now DEAD`),
  );

  it('packs events oldest first into notes of at most 1,000 characters, each with its own timestamp', () => {
    const notes = eventNotes(many, since, 'UTC');
    expect(notes).toHaveLength(3);
    for (const note of notes) {
      expect(note.text.length).toBeLessThanOrEqual(NOTE_LIMIT);
      expect(note.text.startsWith('#*Automation Engine*#\nTriage (VeloCloud) events\n')).toBe(true);
      expect(note.text.split('\n').at(-1)).toBe(`TimeStamp: ${note.timestamp}`);
    }
    const times = notes.flatMap((n) => [...n.text.matchAll(/^Time: (.+)$/gm)].map((m) => m[1]));
    expect(times).toEqual([...times].sort());
    expect(times).toHaveLength(30);
    expect(notes[0]!.timestamp < notes[1]!.timestamp).toBe(true);
  });

  it('starts strictly after the timestamp, so a later run never repeats an event', () => {
    const first = eventNotes(many, since, 'UTC');
    const rest = eventNotes(many, first[0]?.timestamp ?? '', 'UTC');
    expect(rest.map((n) => n.text)).toEqual(first.slice(1).map((n) => n.text));
    expect(eventNotes([event('EDGE_UP', since, 'Edge has come up')], since, 'UTC')).toEqual([]);
  });

  it('leaves out events the triage does not follow, and shortens a block too long for a note', () => {
    const notes = eventNotes(
      [event('EDGE_ACTIVATED', '2024-07-02T12:01:00.000Z'), event('EDGE_DOWN', '2024-07-02T12:02:00.000Z', 'x'.repeat(3000))],
      since,
      'UTC',
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]?.text).not.toContain('EDGE_ACTIVATED');
    expect(notes[0]?.text.length).toBeLessThanOrEqual(NOTE_LIMIT);
    expect(notes[0]?.text).toContain('TimeStamp: 2024-07-02T12:02:00.000Z');
  });
});

describe('triage note pages', () => {
  const note = (lines: number) => ['#*Automation Engine*#', 'Triage (VeloCloud)', ...Array.from({ length: lines }, (_, i) => `Field ${i}: ${'x'.repeat(40)}`)].join('\n');

  it.each([
    [10, 1],
    [25, 1],
    [40, 3],
    [70, 4],
  ])('%d lines → %d page(s)', (lines, pages) => {
    const text = note(lines);
    const split = triagePages(text);
    expect(split).toHaveLength(pages);
    if (pages === 1) return expect(split[0]).toBe(text);
    split.forEach((page, i) => {
      expect(page.length).toBeLessThanOrEqual(1_000);
      expect(page.startsWith(`#*Automation Engine*#\nTriage (VeloCloud)\nTriage note: ${i + 1}/${pages}\n`)).toBe(true);
    });
    // Every line once, in order.
    expect(split.flatMap((p) => p.split('\n').slice(3))).toEqual(text.split('\n').slice(2));
  });
});
