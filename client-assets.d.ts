// Types of what a module may import besides code, for projects served by devpush (referenced from
// client.d.ts, so `"types": ["devpush/client"]` brings them). A script file: its module declarations are
// global, as they must be.

/** A CSS module (esbuild's local-css): its class names, each renamed for this file. */
declare module '*.module.css' {
  const classes: { readonly [name: string]: string };
  export default classes;
}

/** A stylesheet imported for its effect: applied to the page, replaced in place on save. */
declare module '*.css' {}
