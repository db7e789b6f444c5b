import type { Builder } from '../../bundle/builder.js';
import { sendText } from '../respond.js';
import { type CorsHeaders, type Handler, sendBody } from './route.js';

/**
 * Entries and what they import are served from the builder's memory, never from the folder. Snippet
 * pages of allowed origins may import them (CORS for those origins only).
 */
export function buildOutput(builder: Builder, corsHeaders: CorsHeaders): Handler {
  return async (request) => {
    const output = await builder.output(request.pathname);
    if (!output) return false;
    return sendBody(request, output.body(), {
      ...corsHeaders(request),
      'Content-Type': output.type,
      'Cache-Control': 'no-cache',
    });
  };
}

/** Under the build folder nothing falls through to the project's files: a miss is a stale URL. */
export function buildOutputOnly(builder: Builder, corsHeaders: CorsHeaders): Handler {
  const serve = buildOutput(builder, corsHeaders);
  return async (request) => {
    if (!(await serve(request)))
      sendText(request.res, 404, 'No such build output (it may be from an older build: reload the page).');
    return true;
  };
}
