import { describe, expect, it } from 'vitest';
import { interimText } from '../../../client/style-text.js';

describe('interimText', () => {
  const base = 'http://localhost:5173/css/site.css?v=3';

  it('makes relative url()s absolute against the stylesheet, as its <link> would resolve them', () => {
    expect(interimText('a { background: url(img/a.png) }', base)).toBe(
      'a { background: url(http://localhost:5173/css/img/a.png) }',
    );
    expect(interimText(`a { b: url( "../b c.png" ) } d { e: url('/f.svg') }`, base)).toBe(
      `a { b: url("http://localhost:5173/b%20c.png") } d { e: url('http://localhost:5173/f.svg') }`,
    );
  });

  it('leaves absolute, data: and fragment URLs as they are', () => {
    const text = 'a { b: url(https://cdn.example/x.png); c: url(data:image/png;base64,AA==); d: url(#glow) }';
    expect(interimText(text, base)).toBe(text);
  });

  it('declines text a <style> cannot stand in for', () => {
    expect(interimText('@import "theme.css";\na { b: c }', base)).toBeNull();
    expect(interimText('a { background: image-set("a.png" 1x) }', base)).toBeNull();
  });
});
