import { describe, expect, it } from 'vitest';
import { moduleScripts } from '../../src/bundle/discover.js';
import { scanHtml } from '../../src/html/scan.js';

const page = (body: string) => `<!doctype html><html><head></head><body>${body}</body></html>`;

describe('moduleScripts: only the tags the browser runs', () => {
  it('finds a module script', () => {
    expect(moduleScripts(page('<script type="module" src="./main.ts"></script>'), '/app/')).toEqual(['/app/main.ts']);
  });

  it('skips a script tag shown inside a textarea', () => {
    const html = page('<textarea><script type="module" src="/shown.ts"></script></textarea>');
    expect(moduleScripts(html, '/')).toEqual([]);
  });

  it("skips a script tag inside another script's string", () => {
    const html = page(
      `<script>const tag = '<script type="module" src="/in-a-string.ts">';</script><script type="module" src="/real.ts"></script>`,
    );
    expect(moduleScripts(html, '/')).toEqual(['/real.ts']);
  });

  it('skips commented-out tags and a `>` inside a quoted attribute does not end the tag', () => {
    const html = page(
      '<!-- <script type="module" src="/old.ts"></script> --><script data-x="a>b" type="module" src="/b.ts"></script>',
    );
    expect(moduleScripts(html, '/')).toEqual(['/b.ts']);
  });
});

describe('scanHtml', () => {
  it('reports start tags outside raw text, and the closing head', () => {
    const html = '<head><title><b>not a tag</b></title><style>a{}</style></head><body><p class="x">';
    const names: string[] = [];
    const { headClose } = scanHtml(html, ({ name }) => names.push(name));
    expect(names).toEqual(['head', 'title', 'style', 'body', 'p']);
    expect(headClose).toBe(html.indexOf('</head>'));
  });
});
