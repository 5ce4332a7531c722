import { createLogger } from '../../workers/logger';

describe('logger', () => {
  it('writes one JSON object per line', () => {
    const lines: string[] = [];
    createLogger({ write: (l) => lines.push(l) }).info({ edge: 'VC1' }, 'edge fetched');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: 'edge fetched', edge: 'VC1', service: 'automation-engine' });
  });

  it('replaces secret values wherever they appear, raw or URL-encoded', () => {
    const lines: string[] = [];
    const logger = createLogger({ secrets: ['p@ss+word', 'xoxb-secret'], write: (l) => lines.push(l) });
    logger.error({ err: new Error('connect smtp://u:p%40ss%2Bword@host failed') }, 'token xoxb-secret rejected');
    const text = lines.join('');
    expect(text).not.toContain('p@ss+word');
    expect(text).not.toContain('p%40ss%2Bword');
    expect(text).not.toContain('xoxb-secret');
    expect(text).toContain('***');
  });
});
