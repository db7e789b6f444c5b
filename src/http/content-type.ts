import { lookup, mimes } from 'mrmime';

// Two types browsers still meet that mrmime leaves out; added to its table so every lookup agrees.
mimes.ico ??= 'image/x-icon';
mimes.eot ??= 'application/vnd.ms-fontobject';

/** The MIME type of a file name, from mrmime's table; octet-stream when it has none. */
export function mimeType(file: string): string {
  return lookup(file) ?? 'application/octet-stream';
}

/** Content-Type for a file name, with charset for text so the browser never guesses. */
export function contentType(file: string): string {
  const type = mimeType(file);
  const isText = type.startsWith('text/') || /(javascript|json|xml|svg)/.test(type);
  return isText ? `${type}; charset=utf-8` : type;
}
