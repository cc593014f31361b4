/**
 * The floor for a proxy in node, in a process of its own: a bare `pipe()` both ways to the
 * upstream port in argv[2], with flatline's backlog and noDelay, no toxics, no bookkeeping. What
 * it costs per connection is what node's sockets cost; flatline's proxy is measured against it.
 * Sends its port to the parent over IPC; exits when the parent disconnects.
 */
import net from 'node:net';
import { LISTEN_BACKLOG } from '../harness/net/backlog.ts';

const upstreamPort = Number(process.argv[2]);
const server = net.createServer({ noDelay: true }, (client) => {
  const upstream = net.connect({ port: upstreamPort, host: '127.0.0.1', noDelay: true });
  const both = () => (client.destroy(), upstream.destroy());
  client.on('error', both).on('close', both);
  upstream.on('error', both).on('close', both);
  client.pipe(upstream).pipe(client);
});
server.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, () => process.send!((server.address() as net.AddressInfo).port));
process.once('disconnect', () => server.close(() => process.exit(0)));
