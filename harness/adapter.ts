/**
 * The adapter kit, 'flatline/adapter': drive your own client as a subject.
 *
 *   import { ClientEvents, registerSubject, TcpServer, type ClientAdapter } from 'flatline/adapter';
 *
 * An adapter reports what its client does through ClientEvents; registerSubject names it, with the
 * server it talks to and the schema of its options, so scenarios (and `flatline run --subject`) can judge it.
 */
export { ClientEvents, type ClientAdapter, type ClientContext } from './clients/adapter.ts';
export { backoffExpectation, findSubject, registerSubject, subjectKinds } from './scenario/subjects.ts';
export type { NoOptions, SubjectDefinition, SubjectKinds, SubjectPromises } from './scenario/subjects.ts';
export type { ReferenceServer, ServerContext, StopMode } from './servers/server.ts';
export { TcpServer, type TcpServerOptions } from './servers/tcp-server.ts';
export { WsServer, type WsServerOptions } from './servers/ws-server.ts';
export { MqttBroker } from './servers/mqtt-broker.ts';
export { SocketIoServer } from './servers/socketio-server.ts';
export { createTcpClient } from './clients/tcp-client.ts';
export { createWsClient } from './clients/ws-client.ts';
export type { ReferenceClientOptions } from './clients/reference-client.ts';
export type { HostPort } from './net/address.ts';
export type { BackoffExpectation, DelayBounds } from './checks/backoff.ts';
export type { ClientEvent, ClientState, Guarantee } from './trace/events.ts';
/** Schema building blocks for a subject's options (strict objects with did-you-mean, durations, words, counts) and valibot itself. */
export { count, duration, flag, positiveDuration, strict, tagged, text, word } from './schema/kit.ts';
export * as v from 'valibot';
export { toMs, formatMs, type Duration } from './util/duration.ts';
