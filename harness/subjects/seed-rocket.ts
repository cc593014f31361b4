import { backoffPresets } from '../policy/backoff.ts';
import { WsServer } from '../servers/ws-server.ts';
import type { SeedPolicy } from './seed-client.ts';
import { rocketWsDial } from './seed-links.ts';
import { registerSeedSubject } from './seed-subject.ts';

/**
 * `seed-rocket`: the SocketRocket manager of seeds 001, 002 and 004.
 * - Heartbeat every 3 minutes ("NAT 超時一般為5分鐘", 002), sent as a WebSocket ping (001's
 *   sendPing; 002's timer sends the text "heart"); didReceivePong only logs, so no reply is awaited.
 * - reConnect (002): at once, then 2, 4, 8, 16, 32, 64 s, then `reConnectTime > 64` gives up
 *   (7 tries, though its comment says 5); "任意的一次成功的連接,都會重置這個重連時間": reset on success.
 *   A close the user asked for does not reconnect.
 * - Sending (004): only when SR_OPEN; while SR_CONNECTING, look again every 2 s, and after 10 looks
 *   the send is lost; otherwise (no socket between retries, 004's "没网络,发送失败") it fails.
 * - Opening times out after 60 s: SocketRocket's open timeout is the NSURLRequest's timeoutInterval,
 *   60 s by default for initWithURL:.
 */
const policy: SeedPolicy = {
  heartbeat: { firstMs: 180_000, everyMs: 180_000 },
  backoff: { ...backoffPresets.im, resetAfter: '0s' },
  connectTimeoutMs: 60_000,
  holdWhileConnecting: { everyMs: 2_000, checks: 10 },
};

registerSeedSubject({
  kind: 'seed-rocket',
  protocol: 'ws',
  description: 'seed articles 001/002/004: SocketRocket manager; ping every 3 min without a reply timeout, at once then 2..64 s then give up',
  policy,
  server: (ctx, spec) => new WsServer(ctx, spec),
  dial: (target) => rocketWsDial(`ws://${target.host}:${target.port}`),
});

declare module '../scenario/subjects.ts' {
  interface SubjectKinds {
    'seed-rocket': NoOptions;
  }
}
