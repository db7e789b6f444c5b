import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FileAccess, parseTarget } from '../../src/server/paths.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

// Any request target: parsed once, and no generated path ever resolves outside the root or to a name
// that is never served (dotfiles, keys), however it is encoded.

afterAll(removeTempProjects);

const parent = tempProject({
  'outside.txt': 'outside',
  'site/index.html': '<p>in</p>',
  'site/ok.txt': 'ok',
  'site/.env': 'SECRET=1',
  'site/key.pem': 'KEY',
  'site/.git/config': '[core]',
  'site/sub/page.html': '<p>sub</p>',
  'site/sub/.npmrc': 'token',
});
const root = path.join(parent, 'site');
mkdirSync(path.join(root, 'links'));
symlinkSync(path.join(parent, 'outside.txt'), path.join(root, 'links/out.txt'));
symlinkSync(parent, path.join(root, 'links/up'));
writeFileSync(path.join(root, 'caf\u00e9.txt'), 'accent');
const rootReal = realpathSync(root);

const segment = fc.constantFrom(
  '..',
  '.',
  '%2e%2e',
  '%2E.',
  '.%2e',
  '%252e%252e',
  '.env',
  '%2eenv',
  '.env.',
  '.env::$DATA',
  'key.pem',
  'key.pem.',
  'KEY.PEM',
  'key.pem%20',
  '.git',
  'config',
  'sub',
  'page.html',
  '.npmrc',
  'ok.txt',
  'index.html',
  'links',
  'out.txt',
  'up',
  'outside.txt',
  'site',
  'caf%C3%A9.txt',
  '%c0%ae%c0%ae',
  '%2f',
  '%5c',
  '\\',
  '%00',
  '',
  '~',
);
const target = fc
  .tuple(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.constantFrom('', '?x=1', '?a=../..'))
  .map(([segments, query]) => `/${segments.join('/')}${query}`);

function isSecret(relative: string): boolean {
  return relative.split(path.sep).some((s) => s.startsWith('.') || /\.(pem|key)$/i.test(s.replace(/[. ]+$/, '')));
}

describe('request targets and path containment', () => {
  const access = new FileAccess({ root, allow: [], deny: [] });

  it('never resolves a generated path outside the root or to a denied name', async () => {
    await fc.assert(
      fc.asyncProperty(target, async (raw) => {
        const parsed = parseTarget(raw);
        if ('status' in parsed) return;
        expect(parsed.pathname.split('/')).not.toContain('..');
        const found = await access.resolve(parsed.pathname);
        if (!('file' in found)) return;
        const relative = path.relative(rootReal, found.file);
        expect(relative.startsWith('..') || path.isAbsolute(relative)).toBe(false);
        expect(isSecret(relative)).toBe(false);
        expect(readFileSync(found.file, 'utf8')).not.toBe('outside');
      }),
      { numRuns: 600 },
    );
  });

  it('still serves what is meant to be served', async () => {
    for (const raw of ['/ok.txt', '/sub/page.html', '/caf%C3%A9.txt', '/', '/sub//page.html']) {
      const parsed = parseTarget(raw);
      expect('status' in parsed).toBe(false);
      if ('status' in parsed) continue;
      expect('file' in (await access.resolve(parsed.pathname))).toBe(true);
    }
  });
});
