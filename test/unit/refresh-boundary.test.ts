import { describe, expect, it } from 'vitest';
import { refreshRefusal } from '../../client/refresh-boundary.js';

// The runtime's test, simplified: a capitalised function is a component.
const isComponent = (value: unknown) => typeof value === 'function' && /^[A-Z]/.test(value.name);
function App() {}
function Card() {}
const helper = () => 1;

describe('refreshRefusal', () => {
  it('lets a module exporting only components update in place', () => {
    expect(refreshRefusal({ default: App, Card }, { default: App, Card }, isComponent)).toBeNull();
  });

  it('gives a module that also exports another value to its importers', () => {
    expect(refreshRefusal({ App, helper }, { App, helper: () => 2 }, isComponent)).toBe(
      'it also exports helper, which is not a component',
    );
  });

  it('keeps a non-component export that did not change (the same value)', () => {
    expect(refreshRefusal({ App, helper }, { App, helper }, isComponent)).toBeNull();
  });

  it('refuses an export added or removed: importers may use it', () => {
    expect(refreshRefusal({ App }, { App, Card }, isComponent)).toBe(
      'export Card is new, so its importers must re-run',
    );
    expect(refreshRefusal({ App, Card }, { App }, isComponent)).toBe(
      'export Card was removed, so its importers must re-run',
    );
  });

  it('refuses a module that exports nothing, and judges the new exports alone when the old are unknown', () => {
    expect(refreshRefusal({}, {}, isComponent)).toBe('it exports nothing React can refresh');
    expect(refreshRefusal(null, { App }, isComponent)).toBeNull();
    expect(refreshRefusal(null, { App, helper }, isComponent)).toBe('it also exports helper, which is not a component');
  });
});
