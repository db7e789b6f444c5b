import { describe, expect, it } from 'vitest';
import { ASSET_EXTENSIONS } from '../../src/bundle/outputs.js';
import { contentType, mimeType } from '../../src/http/content-type.js';

describe('content types', () => {
  it.each(ASSET_EXTENSIONS)('knows the type of every bundled asset extension (%s)', (extension) => {
    expect(mimeType(`logo${extension}`)).not.toBe('application/octet-stream');
  });

  it('types icons and old fonts, which mrmime leaves out', () => {
    expect(mimeType('favicon.ico')).toBe('image/x-icon');
    expect(mimeType('f.EOT')).toBe('application/vnd.ms-fontobject');
  });

  it('adds a charset to text types only', () => {
    expect(contentType('a.css')).toBe('text/css; charset=utf-8');
    expect(contentType('a.svg')).toBe('image/svg+xml; charset=utf-8');
    expect(contentType('a.png')).toBe('image/png');
    expect(contentType('a.unknown-ext')).toBe('application/octet-stream');
  });
});
