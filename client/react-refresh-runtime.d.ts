// The part of `react-refresh/runtime` (the project's own copy, served pre-bundled) that the glue uses.
// The package ships no types; these follow its runtime's exports.
declare module 'react-refresh/runtime' {
  const runtime: {
    /** Makes React's renderers report to the refresh runtime; must run before react-dom loads. */
    injectIntoGlobalHook(globalObject: Window): void;
    /** Records `type` as the current implementation of the component family `id`. */
    register(type: unknown, id: string): void;
    /** The `$RefreshSig$` of the transform: records the hooks a component calls, to remount when they change. */
    createSignatureFunctionForTransform(): (
      type: unknown,
      key?: string,
      forceReset?: boolean,
      getCustomHooks?: () => unknown[],
    ) => unknown;
    /** Whether a value looks like a component (a capitalised function, memo or forwardRef). */
    isLikelyComponentType(value: unknown): boolean;
    /** Re-renders every updated family: state kept, remounted where the hook signature changed. */
    performReactRefresh(): unknown;
  };
  export default runtime;
}
