import { describe, expect, it } from 'vitest';
import { rawResponse } from '../../src/http/raw-response.js';
import { parseResponse } from '../helpers/raw.js';

describe('rawResponse', () => {
  it.each([
    [503, 'Refused: too many open connections to the dev server.'],
    [401, 'Refused: missing or stale channel token. Reload the page.'],
    [404, 'Non-ASCII reason: “quoted” – dash'],
  ])('announces the byte length of its body (%i)', (status, reason) => {
    const raw = Buffer.from(rawResponse(status, reason), 'utf8');
    const head = raw.subarray(0, raw.indexOf('\r\n\r\n') + 4);
    const body = raw.subarray(head.length);
    const response = parseResponse(raw);
    expect(response.status).toBe(status);
    expect(response.headers.connection).toBe('close');
    expect(Number(response.headers['content-length'])).toBe(body.length);
    expect(body.toString('utf8')).toBe(`${reason}\n`);
  });

  it('sends no body and no type when there is nothing to say', () => {
    const response = parseResponse(Buffer.from(rawResponse(431, null)));
    expect(response.status).toBe(431);
    expect(response.headers['content-length']).toBe('0');
    expect(response.headers['content-type']).toBeUndefined();
    expect(response.body).toBe('');
  });
});
