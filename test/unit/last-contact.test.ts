import {
  balanceOfTerm,
  isStale,
  lastContactEmail,
  lastContactRows,
  monthsInService,
  type StaleEdge,
} from '../../domain/last-contact';

const EASTERN = 'US/Eastern';

describe('30 days of silence, on the calendar of the configured zone', () => {
  it.each([
    // Spring forward (2024-03-10): 30 calendar days back from 1 April 08:00 EDT is 2 March 08:00 EST = 13:00Z, not 12:00Z.
    ['exactly 30 days across DST start', '2024-03-02T13:00:00.000Z', '2024-04-01T12:00:00.000Z', true],
    ['a second short of 30 days across DST start', '2024-03-02T13:00:01.000Z', '2024-04-01T12:00:00.000Z', false],
    // Fall back (2024-11-03): 1 December 08:00 EST minus 30 days is 1 November 08:00 EDT = 12:00Z.
    ['exactly 30 days across DST end', '2024-11-01T12:00:00.000Z', '2024-12-01T13:00:00.000Z', true],
    ['a second short across DST end', '2024-11-01T12:00:01.000Z', '2024-12-01T13:00:00.000Z', false],
    // Leap February: 1 March minus 30 days is 31 January.
    ['30 days before 1 March in a leap year', '2024-01-31T13:00:00.000Z', '2024-03-01T13:00:00.000Z', true],
    ['29 days before 1 March in a leap year', '2024-02-01T13:00:00.000Z', '2024-03-01T13:00:00.000Z', false],
    ['a year ago', '2023-03-01T13:00:00.000Z', '2024-03-01T13:00:00.000Z', true],
    ['never contacted', null, '2024-03-01T13:00:00.000Z', false],
  ])('%s', (_case, lastContact, asOf, stale) => {
    expect(isStale(lastContact, asOf, EASTERN)).toBe(stale);
  });

  it('depends on the zone: the same instants, judged in Sydney, where DST changes on other dates', () => {
    // Sydney leaves DST on 2024-04-07: 1 May 08:00 AEST (22:00Z 30 Apr) minus 30 days = 1 April 08:00 AEDT = 21:00Z 31 Mar,
    // where UTC's cutoff is 22:00Z 31 Mar.
    expect(isStale('2024-03-31T21:30:00.000Z', '2024-04-30T22:00:00.000Z', 'Australia/Sydney')).toBe(false);
    expect(isStale('2024-03-31T21:30:00.000Z', '2024-04-30T22:00:00.000Z', 'UTC')).toBe(true);
  });
});

describe('months in service and the balance of 36', () => {
  it.each([
    ['31 January to 27 February: not a whole month', '2021-01-31T15:00:00.000Z', '2021-02-27T15:00:00.000Z', 0, 36],
    ['31 January to 28 February: month end to month end is a whole month', '2021-01-31T15:00:00.000Z', '2021-02-28T15:00:00.000Z', 1, 35],
    ['31 January to 31 March', '2021-01-31T15:00:00.000Z', '2021-03-31T15:00:00.000Z', 2, 34],
    ['1 Nov 00:30 EDT to 1 Dec 00:00 EST: half an hour short', '2022-11-01T04:30:00.000Z', '2022-12-01T05:00:00.000Z', 0, 36],
    ['1 Nov 00:30 EDT to 1 Dec 00:30 EST: one month although 30 days and 1 hour', '2022-11-01T04:30:00.000Z', '2022-12-01T05:30:00.000Z', 1, 35],
    ['three years to the day', '2021-03-01T05:30:00.000Z', '2024-03-01T05:30:00.000Z', 36, 0],
    ['past the term', '2019-01-15T12:00:00.000Z', '2024-03-01T13:00:00.000Z', 61, 0],
    ['activated after the report date', '2024-04-01T12:00:00.000Z', '2024-03-01T13:00:00.000Z', 0, 36],
  ])('%s', (_case, activation, asOf, months, balance) => {
    const counted = monthsInService(activation, asOf, EASTERN);
    expect(counted).toBe(months);
    expect(balanceOfTerm(counted)).toBe(balance);
  });

  it('leaves both empty when the activation time is unknown', () => {
    expect(monthsInService(undefined, '2024-03-01T13:00:00.000Z', EASTERN)).toBeUndefined();
    expect(balanceOfTerm(undefined)).toBeUndefined();
  });
});

const edge = (over: Partial<StaleEdge>): StaleEdge => ({
  host: 'vco.example.net',
  enterpriseId: 10,
  edgeId: 100,
  enterpriseName: 'Titan America|85940|',
  name: 'TITAN-MIAMI-001',
  serial: 'VC001',
  model: 'edge510',
  lastContact: '2024-01-15T12:00:00.000Z',
  activationTime: '2022-01-15T12:00:00.000Z',
  ...over,
});

describe('last contact e-mail', () => {
  const options = { asOf: '2024-03-01T13:00:00.000Z', timezone: EASTERN, portalUrls: { 'vco.example.net': 'https://vco.example.net' } };
  const edges = [
    edge({}),
    edge({ edgeId: 101, serial: 'VC002', lastContact: '2023-12-01T12:00:00.000Z' }),
    edge({ enterpriseId: 11, edgeId: 200, enterpriseName: '<b>Red Rock</b>|123|', serial: '=cmd', activationTime: undefined }),
  ];

  it('computes each row in the zone, sorted by enterprise then oldest contact', () => {
    const rows = lastContactRows(edges, options);
    expect(rows.map((r) => r.serial)).toEqual(['=cmd', 'VC002', 'VC001']);
    expect(rows[2]).toMatchObject({
      enterprise: 'Titan America',
      lastContact: '2024-01-15 07:00 EST',
      daysSinceContact: 46,
      monthsInService: 25,
      balanceMonths: 11,
      edgeUrl: 'https://vco.example.net/#!/operator/customer/10/monitor/edge/100/',
    });
  });

  it('summarises by enterprise in escaped HTML and puts every edge in the CSV', () => {
    const mail = lastContactEmail(edges, options);
    expect(mail.subject).toBe('Last contact report March 2024: 3 edges silent for 30 days or more');
    expect(mail.html).toContain('&lt;b&gt;Red Rock&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>Red Rock');
    expect(mail.html).toMatch(/Titan America<\/td><td[^>]*>2</);
    const csv = mail.csv.trim().split('\r\n');
    expect(csv).toHaveLength(4);
    expect(csv[0]).toContain('Balance of 36 Months');
    expect(mail.csv).toContain("'=cmd");
    expect(mail.csvFilename).toBe('last-contact-2024-03.csv');
  });

  it('says when an orchestrator could not be listed', () => {
    const mail = lastContactEmail([], { ...options, missingHosts: ['vco2.example.net'] });
    expect(mail.subject).toContain('(incomplete)');
    expect(mail.text).toContain('vco2.example.net');
  });
});
