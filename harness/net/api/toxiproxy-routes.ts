import type { FaultNetwork } from '../network.ts';
import type { Proxy } from '../proxy.ts';
import type { ToxicSpec } from '../toxic.ts';
import { formatHostPort } from '../address.ts';
import { jsonErrorReply, type ApiReply } from './http-io.ts';
import { populateInput, proxyCreateInput, proxyUpdateInput, toxicAttributes, toxicHeader, toxicUpdateInput } from './request-shapes.ts';
import type { PathParams, Route, RouteRequest } from './router.ts';
import { FLATLINE_VERSION } from './version.ts';

const ok = (body: unknown): ApiReply => ({ status: 200, body });
const created = (body: unknown): ApiReply => ({ status: 201, body });
const noContent: ApiReply = { status: 204 };

/** A toxic as Toxiproxy marshals a ToxicWrapper: its fields in the struct's order (toxics/toxic.go). */
export function toxicJson(spec: ToxicSpec): Record<string, unknown> {
  return { attributes: spec.attributes, name: spec.name, type: spec.type, stream: spec.stream, toxicity: spec.toxicity };
}

/** A proxy as Toxiproxy's proxyWithToxics marshals it (api.go). */
export function proxyJson(proxy: Proxy): Record<string, unknown> {
  return { ...proxy.toJSON(), toxics: proxy.toxics.specs().map(toxicJson) };
}

/**
 * Toxiproxy 2.x's HTTP API (api.go) over a FaultNetwork: same paths, bodies, status codes and
 * texts. Each handler looks up what the path names before it reads the body, as Toxiproxy does,
 * so a missing proxy is a 404 even when the body is also bad.
 */
export function toxiproxyRoutes(network: FaultNetwork): Route[] {
  const proxyOf = (params: PathParams) => network.get(params.proxy!);
  const theProxy = ({ params }: RouteRequest) => [params.proxy!];
  return [
    // api.go Version: its own hand-written body, newline included, and a charset.
    { methods: ['GET'], path: '/version', handle: () => ({ status: 200, text: `{"version": "${FLATLINE_VERSION}"}\n`, contentType: 'application/json;charset=utf-8' }) },
    {
      methods: ['POST'],
      path: '/reset',
      locks: () => network.list().map((p) => p.name),
      handle: async () => {
        await network.reset();
        return noContent;
      },
    },
    // Go marshals a map with its keys sorted.
    { methods: ['GET'], path: '/proxies', handle: () => ok(Object.fromEntries(network.list().sort(byName).map((p) => [p.name, proxyJson(p)]))) },
    {
      methods: ['POST'],
      path: '/proxies',
      locks: (req) => namesIn(() => [proxyCreateInput(req.json())]),
      handle: async (req) => created(proxyJson(await network.create(proxyCreateInput(req.json())))),
    },
    { methods: ['POST'], path: '/populate', locks: (req) => namesIn(() => populateInput(req.json())), handle: (req) => populate(network, req) },
    { methods: ['GET'], path: '/proxies/:proxy', handle: ({ params }) => ok(proxyJson(proxyOf(params))) },
    {
      // POST is Toxiproxy's deprecated spelling of PATCH, still what toxiproxy-node-client sends.
      methods: ['POST', 'PATCH'],
      path: '/proxies/:proxy',
      locks: theProxy,
      handle: async (req) => {
        const proxy = proxyOf(req.params); // 404 before the body is read
        const current = { listen: formatHostPort(proxy.listen), upstream: formatHostPort(proxy.upstream), enabled: proxy.enabled };
        return ok(proxyJson(await network.update(proxy.name, proxyUpdateInput(req.json(), current))));
      },
    },
    {
      methods: ['DELETE'],
      path: '/proxies/:proxy',
      locks: theProxy,
      handle: async ({ params }) => {
        await network.remove(params.proxy!);
        return noContent;
      },
    },
    { methods: ['GET'], path: '/proxies/:proxy/toxics', handle: ({ params }) => ok(proxyOf(params).toxics.specs().map(toxicJson)) },
    {
      // Creating a toxic answers 200, not 201: Toxiproxy's quirk, kept because clients check for it.
      methods: ['POST'],
      path: '/proxies/:proxy/toxics',
      locks: theProxy,
      handle: (req) => {
        const toxics = proxyOf(req.params).toxics;
        const body = req.json();
        const header = toxicHeader(body);
        const { type } = toxics.prepare(header);
        return ok(toxicJson(toxics.add({ ...header, attributes: toxicAttributes(body, type) }).spec));
      },
    },
    { methods: ['GET'], path: '/proxies/:proxy/toxics/:toxic', handle: ({ params }) => ok(toxicJson(proxyOf(params).toxics.get(params.toxic!).spec)) },
    {
      methods: ['POST', 'PATCH'],
      path: '/proxies/:proxy/toxics/:toxic',
      locks: theProxy,
      handle: (req) => {
        const toxics = proxyOf(req.params).toxics;
        const entry = toxics.get(req.params.toxic!); // 404 before the body is read
        return ok(toxicJson(toxics.update(entry.spec.name, toxicUpdateInput(req.json(), entry.type)).spec));
      },
    },
    {
      methods: ['DELETE'],
      path: '/proxies/:proxy/toxics/:toxic',
      locks: theProxy,
      handle: ({ params }) => {
        proxyOf(params).toxics.remove(params.toxic!);
        return noContent;
      },
    },
  ];
}

function byName(a: Proxy, b: Proxy): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * POST /populate answers 201 {"proxies": [...]}; on failure the error's status with
 * {"error", "status", "proxies"}, listing the proxies done before the failure, as JSON (api.go
 * Populate does not go through http.Error). Go marshals an empty list of them as null.
 */
async function populate(network: FaultNetwork, req: RouteRequest): Promise<ApiReply> {
  const done: Proxy[] = [];
  const listed = () => (done.length === 0 ? null : done.map(proxyJson));
  try {
    await network.populate(populateInput(req.json()), done);
    return created({ proxies: listed() });
  } catch (err) {
    const { status, body } = jsonErrorReply(err);
    return { status, body: { ...body, proxies: listed() } };
  }
}

/** The names of the proxies a create or populate body asks for; none when the body is bad (the handler says why). */
function namesIn(proxies: () => { name?: unknown }[]): string[] {
  try {
    return proxies()
      .map((p) => p.name)
      .filter((n): n is string => typeof n === 'string');
  } catch {
    return [];
  }
}
