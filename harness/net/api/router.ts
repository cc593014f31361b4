import type { GoJsonValue } from './go-json.ts';
import { PLAIN_TEXT, PlainReply, type ApiReply } from './http-io.ts';

/** Values of a path's `:name` segments, decoded. */
export type PathParams = Record<string, string>;

export interface RouteRequest {
  params: PathParams;
  /** The body parsed as Go's json.Decoder reads it; throws the 400 "bad request body" when it is not JSON. */
  json(): GoJsonValue;
}

export interface Route {
  methods: readonly string[];
  /** "/proxies/:proxy/toxics/:toxic": literal segments and `:name` parameters. */
  path: string;
  handle(req: RouteRequest): ApiReply | Promise<ApiReply>;
  /** The proxies a change touches: requests sharing one run one at a time. Reads lock nothing. */
  locks?(req: RouteRequest): string[];
}

export interface RouteMatch {
  route: Route;
  params: PathParams;
}

/**
 * Finds the route for a request like gorilla/mux does for Toxiproxy: no route for the path is
 * net/http's plain "404 page not found", a route for the path but not the method an empty 405
 * (mux.go methodNotAllowedHandler).
 */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch {
  const segments = pathname.split('/');
  let pathKnown = false;
  for (const route of routes) {
    const params = matchPath(route.path, segments);
    if (!params) continue;
    pathKnown = true;
    if (route.methods.includes(method)) return { route, params };
  }
  if (pathKnown) throw new PlainReply({ status: 405 });
  throw new PlainReply({ status: 404, text: '404 page not found\n', contentType: PLAIN_TEXT });
}

function matchPath(pattern: string, segments: string[]): PathParams | undefined {
  const parts = pattern.split('/');
  if (parts.length !== segments.length) return undefined;
  const params: PathParams = {};
  for (const [i, part] of parts.entries()) {
    const segment = segments[i];
    if (part.startsWith(':')) {
      if (segment === '') return undefined;
      params[part.slice(1)] = decodeSegment(segment);
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new PlainReply({ status: 400, text: '400 Bad Request', contentType: PLAIN_TEXT }); // Go's server refuses such a URL before routing
  }
}
