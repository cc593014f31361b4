import type { FaultNetwork } from '../network.ts';
import { errorReply, type ApiReply } from './http-io.ts';
import { proxyInput, toxicInput } from './request-shapes.ts';
import type { PathParams, Route, RouteRequest } from './router.ts';
import { FLATLINE_VERSION } from './version.ts';

const ok = (body: unknown): ApiReply => ({ status: 200, body });
const created = (body: unknown): ApiReply => ({ status: 201, body });
const noContent: ApiReply = { status: 204 };

/**
 * Toxiproxy 2.x's HTTP API (api.go) over a FaultNetwork: same paths, bodies and status codes.
 * Each handler looks up what the path names before it reads the body, as Toxiproxy does, so a
 * missing proxy is a 404 even when the body is also bad.
 */
export function toxiproxyRoutes(network: FaultNetwork): Route[] {
  const proxyOf = (params: PathParams) => network.get(params.proxy);
  const theProxy = ({ params }: RouteRequest) => [params.proxy];
  return [
    { methods: ['GET'], path: '/version', handle: () => ok({ version: FLATLINE_VERSION }) },
    {
      methods: ['POST'],
      path: '/reset',
      locks: () => network.list().map((p) => p.name),
      handle: async () => {
        await network.reset();
        return noContent;
      },
    },
    { methods: ['GET'], path: '/proxies', handle: () => ok(network.toJSON()) },
    {
      methods: ['POST'],
      path: '/proxies',
      locks: (req) => namesIn(req, (body) => [body]),
      handle: async (req) => created((await network.create(proxyInput(req.json()))).toJSON()),
    },
    { methods: ['POST'], path: '/populate', locks: (req) => namesIn(req, (body) => body), handle: (req) => populate(network, req) },
    { methods: ['GET'], path: '/proxies/:proxy', handle: ({ params }) => ok(proxyOf(params).toJSON()) },
    {
      // POST is Toxiproxy's deprecated spelling of PATCH, still what toxiproxy-node-client sends.
      methods: ['POST', 'PATCH'],
      path: '/proxies/:proxy',
      locks: theProxy,
      handle: async (req) => {
        proxyOf(req.params); // 404 before the body is read
        return ok((await network.update(req.params.proxy, proxyInput(req.json()))).toJSON());
      },
    },
    {
      methods: ['DELETE'],
      path: '/proxies/:proxy',
      locks: theProxy,
      handle: async ({ params }) => {
        await network.remove(params.proxy);
        return noContent;
      },
    },
    { methods: ['GET'], path: '/proxies/:proxy/toxics', handle: ({ params }) => ok(proxyOf(params).toxics.specs()) },
    {
      // Creating a toxic answers 200, not 201: Toxiproxy's quirk, kept because clients check for it.
      methods: ['POST'],
      path: '/proxies/:proxy/toxics',
      locks: theProxy,
      handle: (req) => {
        const toxics = proxyOf(req.params).toxics;
        return ok(toxics.add(toxicInput(req.json())).spec);
      },
    },
    { methods: ['GET'], path: '/proxies/:proxy/toxics/:toxic', handle: ({ params }) => ok(proxyOf(params).toxics.get(params.toxic).spec) },
    {
      methods: ['POST', 'PATCH'],
      path: '/proxies/:proxy/toxics/:toxic',
      locks: theProxy,
      handle: (req) => {
        const toxics = proxyOf(req.params).toxics;
        toxics.get(req.params.toxic); // 404 before the body is read
        return ok(toxics.update(req.params.toxic, toxicInput(req.json())).spec);
      },
    },
    {
      methods: ['DELETE'],
      path: '/proxies/:proxy/toxics/:toxic',
      locks: theProxy,
      handle: ({ params }) => {
        proxyOf(params).toxics.remove(params.toxic);
        return noContent;
      },
    },
  ];
}

/**
 * POST /populate answers 201 {"proxies": [...]}; on failure the error's status with
 * {"error", "status", "proxies"}. Toxiproxy lists there the proxies it got through before the
 * failure; FaultNetwork.populate does not say how far it got, so this lists the requested proxies
 * that exist after the attempt, which is what a client needs to clean up or retry.
 */
async function populate(network: FaultNetwork, req: RouteRequest): Promise<ApiReply> {
  let inputs: unknown;
  try {
    inputs = req.json();
    return created({ proxies: (await network.populate(inputs)).map((p) => p.toJSON()) });
  } catch (err) {
    const reply = errorReply(err);
    return { status: reply.status, body: { ...reply.body, proxies: requestedThatExist(network, inputs) } };
  }
}

/** The names of the proxies a create or populate body asks for; none when the body is bad (the handler says why). */
function namesIn(req: RouteRequest, proxies: (body: unknown) => unknown): string[] {
  let list: unknown;
  try {
    list = proxies(req.json());
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  return list.map((p) => (p as { name?: unknown } | null)?.name).filter((n): n is string => typeof n === 'string');
}

function requestedThatExist(network: FaultNetwork, inputs: unknown): unknown[] {
  if (!Array.isArray(inputs)) return [];
  const names = new Set(inputs.map((input) => (input as { name?: unknown } | null)?.name).filter((n): n is string => typeof n === 'string'));
  return [...names].filter((name) => network.has(name)).map((name) => network.get(name).toJSON());
}
