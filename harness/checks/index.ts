export * from './verdict.ts';
export * from './moment.ts';
export * from './detection.ts';
export * from './keepalive.ts';
export * from './reconnects.ts';
export * from './backoff.ts';
export * from './delivery.ts';
