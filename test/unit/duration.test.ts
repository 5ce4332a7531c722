import { formatDuration, parseDuration } from '../../domain/duration';

describe('durations', () => {
  it.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['2d', 172_800_000],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  it.each(['', '10', 'ten m', '5 m', '-1m'])('rejects %p', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
