import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENV_PREFIXES, loadEnvFiles, parseEnv, publicEnv } from '../../src/config/env.js';

describe('parseEnv', () => {
  it('reads assignments, export, comments, quotes and inline comments', () => {
    const { values, problems } = parseEnv(
      [
        '# comment',
        'A=1',
        'export B = two words ',
        'C="line\\none" ',
        "D='raw \\n'",
        'E=value # note',
        'F="multi',
        'line"',
        'G=',
        '',
      ].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(values).toEqual({
      A: '1',
      B: 'two words',
      C: 'line\none',
      D: 'raw \\n',
      E: 'value',
      F: 'multi\nline',
      G: '',
    });
  });

  it('reports a malformed line with its number and keeps the rest', () => {
    const { values, problems } = parseEnv('A=1\nnot an assignment\nB=2\nC="never closed\n', '.env.local');
    expect(values).toEqual({ A: '1', B: '2' });
    expect(problems).toEqual([
      { file: '.env.local', line: 2, message: 'expected KEY=value' },
      { file: '.env.local', line: 4, message: 'the value of C opens a " quote that never closes' },
    ]);
  });
});

describe('loadEnvFiles', () => {
  it('reads the four files with the later ones winning, and a missing folder of files is fine', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'devpush-env-'));
    expect(loadEnvFiles(dir)).toEqual({ all: {}, files: [], problems: [] });
    writeFileSync(path.join(dir, '.env'), 'A=env\nB=env\nC=env\nD=env\n');
    writeFileSync(path.join(dir, '.env.local'), 'B=local\nC=local\nD=local\n');
    writeFileSync(path.join(dir, '.env.development'), 'C=mode\nD=mode\n');
    writeFileSync(path.join(dir, '.env.development.local'), 'D=mode-local\n');
    writeFileSync(path.join(dir, '.env.production'), 'A=production\n');
    const loaded = loadEnvFiles(dir);
    expect(loaded.all).toEqual({ A: 'env', B: 'local', C: 'mode', D: 'mode-local' });
    expect(loaded.files).toEqual(['.env', '.env.local', '.env.development', '.env.development.local']);
  });
});

describe('publicEnv', () => {
  it('gives the fixed keys and only prefixed variables, the process environment winning', () => {
    const env = publicEnv(
      { VITE_TITLE: 'from file', DEVPUSH_API: 'file', DB_PASSWORD: 'hunter2', VITE_X: 'x' },
      DEFAULT_ENV_PREFIXES,
      { DEVPUSH_API: 'shell', SECRET_TOKEN: 's', VITE_ONLY_SHELL: 'y' },
    );
    expect(env).toEqual({
      MODE: 'development',
      DEV: true,
      PROD: false,
      BASE_URL: '/',
      SSR: false,
      VITE_TITLE: 'from file',
      VITE_X: 'x',
      DEVPUSH_API: 'shell',
      VITE_ONLY_SHELL: 'y',
    });
  });

  it('an empty prefix never makes everything public', () => {
    expect(Object.keys(publicEnv({ SECRET: '1' }, [''], {}))).not.toContain('SECRET');
  });
});
