import {
  cellText,
  escapeHtml,
  escapeMrkdwn,
  htmlTable,
  mrkdwnSection,
  plainTable,
  slackLink,
  toCsv,
  truncateMrkdwn,
  type Column,
} from '../../domain/notification-format';

interface EdgeRow {
  serial: string;
  name: string;
  count: number;
  url: string;
}

const columns: Column<EdgeRow>[] = [
  { key: 'serial', title: 'Serial' },
  { key: 'name', title: 'Edge <name>' },
  { key: 'count', title: 'Links' },
  { key: 'url', title: 'URL', link: true },
];

describe('escapeMrkdwn', () => {
  it.each([
    ['<!channel> down', '&lt;!channel&gt; down'],
    ['<@U123> and <#C1>', '&lt;@U123&gt; and &lt;#C1&gt;'],
    ['AT&T > Verizon', 'AT&amp;T &gt; Verizon'],
    ['already &amp; escaped', 'already &amp;amp; escaped'],
    ['<https://evil.example|click me>', '&lt;https://evil.example|click me&gt;'],
    ['edge_1 *bold*', 'edge_1 *bold*'],
  ])('%p → %p', (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });

  it('leaves no control character that Slack would read as markup', () => {
    expect(escapeMrkdwn('<<!here>>&<!subteam^S1>')).not.toMatch(/[<>]|&(?!amp;|lt;|gt;)/);
  });
});

describe('slackLink', () => {
  it('links a URL with an escaped label', () => {
    expect(slackLink('https://vco.example.net/#!/operator/customer/1/monitor/edge/2/', 'Store <1> & co')).toBe(
      '<https://vco.example.net/#!/operator/customer/1/monitor/edge/2/|Store &lt;1&gt; &amp; co>',
    );
  });

  it('keeps a hostile label inside the link', () => {
    const link = slackLink('https://vco.example.net/e/1', 'a|b> <!channel>');
    // One opening, one closing bracket and one separator: the label cannot end the link early.
    expect(link.match(/</g)).toHaveLength(1);
    expect(link.match(/>/g)).toHaveLength(1);
    expect(link.match(/\|/g)).toHaveLength(1);
    expect(link).toBe('<https://vco.example.net/e/1|a\uFF5Cb&gt; &lt;!channel&gt;>');
  });

  it('percent-encodes what would break the URL part and escapes &', () => {
    expect(slackLink('https://x.example/a b|c>d?x=1&y=2', 'x')).toBe('<https://x.example/a%20b%7Cc%3Ed?x=1&amp;y=2|x>');
  });

  it('uses the URL as label when none is given', () => {
    expect(slackLink('https://x.example/?a=1&b=2')).toBe('<https://x.example/?a=1&amp;b=2|https://x.example/?a=1&amp;b=2>');
  });
});

describe('mrkdwnSection and truncateMrkdwn', () => {
  it('keeps short text as is', () => {
    expect(mrkdwnSection('*hi*')).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } });
  });

  it('cuts long text to the limit without splitting a link or an entity', () => {
    const text = 'x'.repeat(2990) + '<https://example.com|a link>';
    const cut = mrkdwnSection(text).text.text;
    expect(cut.length).toBeLessThanOrEqual(3000);
    expect(cut).toBe('x'.repeat(2990) + '…');
    expect(truncateMrkdwn('abcd&amp;efgh', 7)).toBe('abcd…');
  });
});

describe('escapeHtml and cellText', () => {
  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
  });

  it.each([
    [null, ''],
    [undefined, ''],
    [3, '3'],
    [false, 'false'],
    [new Date('2024-05-01T12:00:00Z'), '2024-05-01T12:00:00.000Z'],
  ])('%p reads as %p', (value, text) => {
    expect(cellText(value)).toBe(text);
  });
});

const hostile: EdgeRow[] = [
  { serial: 'VC05200001', name: '<img src=x onerror=alert(1)>', count: 2, url: 'https://vco.example.net/#!/edge/1/' },
  { serial: 'VC05200002', name: 'Store "North", 2nd floor\nback room', count: 1, url: 'javascript:alert(1)' },
];

describe('htmlTable', () => {
  const html = htmlTable(columns, hostile);

  it('escapes every title and cell', () => {
    expect(html).toContain('<th style="border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top;background:#f2f2f2">Edge &lt;name&gt;</th>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(html).toContain('Store &quot;North&quot;, 2nd floor\nback room');
  });

  it('makes links of http(s) URLs only', () => {
    expect(html).toContain('<a href="https://vco.example.net/#!/edge/1/">https://vco.example.net/#!/edge/1/</a>');
    expect(html).not.toContain('href="javascript');
    expect(html.match(/<tr>/g)).toHaveLength(3);
  });
});

describe('toCsv', () => {
  it('quotes commas, quotes and line breaks and ends records with CRLF', () => {
    expect(toCsv(columns, hostile)).toBe(
      'Serial,Edge <name>,Links,URL\r\n' +
        'VC05200001,<img src=x onerror=alert(1)>,2,https://vco.example.net/#!/edge/1/\r\n' +
        'VC05200002,"Store ""North"", 2nd floor\nback room",1,javascript:alert(1)\r\n',
    );
  });

  it('defuses spreadsheet formulas in text but not numbers', () => {
    const csv = toCsv<{ a: string; b: number }>(
      [
        { key: 'a', title: 'a' },
        { key: 'b', title: 'b' },
      ],
      [{ a: '=HYPERLINK("http://evil")', b: -5 }],
    );
    expect(csv).toBe('a,b\r\n"\'=HYPERLINK(""http://evil"")",-5\r\n');
  });

  it('writes only the header for no rows', () => {
    expect(toCsv(columns, [])).toBe('Serial,Edge <name>,Links,URL\r\n');
  });
});

describe('plainTable', () => {
  it('aligns columns and flattens line breaks', () => {
    const rows = [
      { serial: 'VC1', name: 'a\nb', count: 10, url: 'u' },
      { serial: 'VC0002', name: 'long name', count: 2, url: '' },
    ];
    expect(plainTable(columns, rows)).toBe(
      [
        'Serial  Edge <name>  Links  URL',
        '------  -----------  -----  ---',
        'VC1     a b          10     u',
        'VC0002  long name    2',
      ].join('\n'),
    );
  });
});

describe('loading in a workflow-like context', () => {
  it('needs no Buffer until CSV is asked for', () => {
    const saved = globalThis.Buffer;
    Reflect.deleteProperty(globalThis, 'Buffer');
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const format = require('../../domain/notification-format') as typeof import('../../domain/notification-format');
        expect(format.escapeMrkdwn('<!here>')).toBe('&lt;!here&gt;');
        expect(format.htmlTable(columns, hostile)).toContain('&lt;img');
      });
    } finally {
      globalThis.Buffer = saved;
    }
  });
});
