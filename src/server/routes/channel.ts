import type { Channel } from '../../channel/channel.js';
import { sendText } from '../respond.js';
import type { Handler, RouteRequest } from './route.js';

/**
 * The channel's rungs and its boot route. Last under the devpush prefix: any other path there is
 * answered 404, never looked up in the project (its `__devpush` folder, if any, is not served).
 */
export function channelRoutes(
  channel: Channel,
  corsHeaders: (request: RouteRequest) => Record<string, string>,
): Handler {
  return (request) => {
    for (const [name, value] of Object.entries(corsHeaders(request))) request.res.setHeader(name, value);
    if (!channel.handleRequest(request.req, request.res, request.url))
      sendText(request.res, 404, 'No such devpush route.');
    return true;
  };
}
