/**
 * One redactor for log lines and error messages: every secret, whatever its length, in each form a
 * lower layer may write it.
 */
import { redact, redactor } from '../../clients/redact';
import { HttpClient } from '../../clients/http';
import { slackCallError } from '../../clients/slack/errors';
import { emailCallError } from '../../clients/email/errors';
import { toApplicationFailure } from '../../workers/interceptors';
import { ExternalCallError } from '../../clients/errors';
import { createLogger } from '../../workers/logger';

describe('redactor', () => {
  it('replaces every secret, short ones included', () => {
    const scrub = redactor(['ab', 'p', 'longer-secret', 'q7x9']);
    expect(scrub('user p at ab with longer-secret')).toBe('user *** at *** with ***');
    expect(scrub('smtp://u:p@host "ab" Bearer ab')).toBe('smtp://u:***@host "***" Bearer ***');
    // Four characters and more: wherever they are, inside a word too.
    expect(scrub('xq7x9y')).toBe('x***y');
  });

  it('leaves the letters of a very short secret alone inside other words (the p of polling is not the password p)', () => {
    expect(redactor(['p', 'ab'])('worker polling abc-tab')).toBe('worker polling abc-tab');
  });

  it('replaces the JSON-escaped, URL-encoded and form-encoded forms', () => {
    const secret = 'p@ss "w+rd"/x y';
    const scrub = redactor([secret]);
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]) {
      expect(scrub(`before ${form} after`)).toBe('before *** after');
    }
  });

  it('replaces a secret containing another whole, and ignores empty and missing ones', () => {
    expect(redact('token abc-def', ['abc', 'abc-def', '', undefined])).toBe('token ***');
    expect(redactor([])('nothing to hide')).toBe('nothing to hide');
  });
});

describe('every path out uses it', () => {
  const SHORT = 'q7';

  it('logs', () => {
    const lines: string[] = [];
    createLogger({ secrets: [SHORT], write: (l) => lines.push(l) }).error({ err: new Error(`login q7 refused`) }, 'password q7');
    expect(lines.join('')).not.toContain(SHORT);
  });

  it('HTTP client errors (Bruin, T7, VeloCloud plumbing)', () => {
    const http = new HttpClient({ system: 'bruin', target: 'api', secrets: () => [SHORT, undefined] });
    const error = http.statusError('GET /x', { status: 500, headers: {}, text: '' }, 'server says q7');
    expect(error.message).toBe('bruin api GET /x: HTTP 500: server says ***');
    void http.close();
  });

  it('Slack and e-mail errors', () => {
    expect(slackCallError(new Error('token q7 bad'), { call: 'chat.postMessage', target: 'slack', token: SHORT }).message).not.toContain(SHORT);
    expect(emailCallError({ message: 'auth q7 failed', code: 'EAUTH' }, { call: 'send', target: 'mail', secrets: [SHORT] }).message).not.toContain(SHORT);
  });

  it('activity failures on their way to Temporal, whatever error carried the secret', () => {
    const scrub = redactor([SHORT]);
    const failure = toApplicationFailure(new ExternalCallError({ system: 'bruin', call: 'x', kind: 'retryable', message: 'echo q7' }), scrub) as Error;
    expect(failure.message).toBe('bruin x: echo ***');
    const plain = toApplicationFailure(new Error('q7 leaked'), scrub) as Error;
    expect(plain.message).toBe('*** leaked');
    expect(plain.stack).not.toContain(SHORT);
  });
});
