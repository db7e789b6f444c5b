// The `css` section: `css.modules` as Vite users write it (false, or postcss-modules' options), checked
// key by key so a typo names the key, and its default.
import { describeValue, didYouMean } from '../errors.js';
import type { CssModulesOptions, ResolvedConfig, UserConfig } from './types.js';
import { isPlainObject, type Rule, rules } from './validate.js';

const { boolean, string, arrayOf, either, func, regexp, oneOf } = rules;

const MODULE_OPTIONS: Record<keyof CssModulesOptions, Rule> = {
  localsConvention: either(oneOf(['camelCase', 'camelCaseOnly', 'dashes', 'dashesOnly']), func()),
  generateScopedName: either(string(), func()),
  hashPrefix: string(),
  scopeBehaviour: oneOf(['global', 'local']),
  globalModulePaths: arrayOf(regexp()),
  exportGlobals: boolean(),
};

/** The first key of a `css.modules` object that is unknown or has a wrong value, worded; null when all are right. */
function firstWrong(value: Record<string, unknown>): string | null {
  for (const [key, child] of Object.entries(value)) {
    const rule = MODULE_OPTIONS[key as keyof CssModulesOptions];
    if (!rule) {
      const suggestion = didYouMean(key, Object.keys(MODULE_OPTIONS));
      return `an unknown key "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
    }
    if (child !== undefined && !rule.test(child)) return `"${key}": ${describeValue(child)} (must be ${rule.expected})`;
  }
  return null;
}

export const cssModulesRule: Rule = {
  expected: `false or an object of ${Object.keys(MODULE_OPTIONS).join(', ')}`,
  test: (v) => v === false || (isPlainObject(v) && firstWrong(v) === null),
  found: (v) => (isPlainObject(v) ? (firstWrong(v) ?? describeValue(v)) : describeValue(v)),
};

/** Both forms by default (`styles["font-list"]` and `styles.fontList`), so either way of writing works. */
const DEFAULT_CONVENTION = 'camelCase';

export function resolveCss(css: UserConfig['css'] = {}): ResolvedConfig['css'] {
  if (css.modules === false) return { modules: null };
  const modules = css.modules ?? {};
  return { modules: Object.freeze({ ...modules, localsConvention: modules.localsConvention ?? DEFAULT_CONVENTION }) };
}
