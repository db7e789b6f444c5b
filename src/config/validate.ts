import { DevpushError, describeValue, didYouMean } from '../errors.js';

/** Checks one value; `expected` is how the message describes a valid value. */
export interface Rule {
  expected: string;
  test(value: unknown): boolean;
  /** Describes a failing value more precisely than describeValue (e.g. which item is wrong). */
  found?(value: unknown): string;
}

/** A section of the config: every known key and its rule (or a nested section). */
export interface Section {
  [key: string]: Rule | Section;
}

function isRule(node: Rule | Section): node is Rule {
  return typeof (node as Rule).test === 'function' && typeof (node as Rule).expected === 'string';
}

export const rules = {
  boolean: (): Rule => ({ expected: 'true or false', test: (v) => typeof v === 'boolean' }),
  string: (): Rule => ({ expected: 'a string', test: (v) => typeof v === 'string' }),
  integer: (min: number, max: number): Rule => ({
    expected: `a whole number from ${min} to ${max}`,
    test: (v) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max,
  }),
  oneOf: (choices: readonly string[]): Rule => ({
    expected: `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`,
    test: (v) => typeof v === 'string' && choices.includes(v),
  }),
  arrayOf: (item: Rule): Rule => ({
    expected: `an array of ${item.expected.replace(/^an? /, '')}s`,
    test: (v) => Array.isArray(v) && v.every((x) => item.test(x)),
  }),
  func: (): Rule => ({ expected: 'a function', test: (v) => typeof v === 'function' }),
  regexp: (): Rule => ({ expected: 'a RegExp', test: (v) => v instanceof RegExp }),
  either: (...choices: Rule[]): Rule => ({
    expected: choices.map((c) => c.expected).join(' or '),
    test: (v) => choices.some((c) => c.test(v)),
  }),
};

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Validates `value` against `section`, throwing one DevpushError that names the file, the key, what was
 * expected and what was found. Unknown keys are errors too, with a did-you-mean.
 */
export function validateSection(value: unknown, section: Section, source: string, prefix = ''): void {
  if (!isPlainObject(value)) {
    const where = prefix ? `"${prefix}"` : 'the config';
    throw new DevpushError(`${source}: ${where} must be an object, found ${describeValue(value)}.`);
  }
  for (const [key, child] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const node = section[key];
    if (!node) {
      const suggestion = didYouMean(key, Object.keys(section));
      const hint = suggestion ? ` Did you mean "${prefix ? `${prefix}.` : ''}${suggestion}"?` : '';
      const known = Object.keys(section).join(', ');
      throw new DevpushError(`${source}: unknown key "${path}".${hint} Known keys here: ${known}.`);
    }
    if (child === undefined) continue;
    if (isRule(node)) {
      if (!node.test(child)) {
        const found = node.found?.(child) ?? describeValue(child);
        throw new DevpushError(`${source}: "${path}" must be ${node.expected}, found ${found}.`);
      }
    } else {
      validateSection(child, node, source, path);
    }
  }
}
