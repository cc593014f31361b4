import { FLEET_SIZE, restartStorm } from './storm.ts';

/** Off-the-shelf clients with their defaults through the suite's restart storm, and where they herd. */
export const LIBRARY_FINDINGS = {
  rws:
    'reconnecting-websocket 4.4.0 draws its minReconnectionDelay (1000 + Math.random() * 4000) once, when the module loads ' +
    '(dist/reconnecting-websocket-cjs.js line 115), and _getNextDelay (line 459) adds no jitter per retry: every client in a ' +
    'process retries in lock-step, and the whole fleet reconnects in the same instant',
  mqttjs:
    'mqtt.js 5 retries every reconnectPeriod, 1000 ms by default (build/lib/client.js line 67), from one setInterval armed at ' +
    'the close (_setupReconnect, line 963), with no jitter: the fleet knocks once a second in lock-step while the server is down ' +
    'and comes back within a second of its restart',
  socketio:
    'socket.io-client 4.8 jitters each delay by ±50 % (randomizationFactor 0.5) around reconnectionDelay 1 s doubling to ' +
    'reconnectionDelayMax 5 s (build/cjs/manager.js lines 64-66): the fleet comes back within seconds of the restart, ' +
    'about a third of the fleet reconnecting in its busiest second',
} as const;

/**
 * Real time a library storm may take: mqtt.js and socket.io-client cost 7 and 12 s of CPU for 1,000
 * members through this storm (seed 1, measured on the shared 2-core machine at load 5), several times
 * that in wall time when the machine is busy, past the default 60 s watchdog.
 */
export const LIBRARY_TIME_LIMIT = '5m';

export const libraryStorm = (kind: keyof typeof LIBRARY_FINDINGS, size = FLEET_SIZE) => ({
  ...restartStorm(`restart storm: ${kind} with its defaults`, { kind }, LIBRARY_FINDINGS[kind], size),
  timeLimit: LIBRARY_TIME_LIMIT,
});

export default (Object.keys(LIBRARY_FINDINGS) as (keyof typeof LIBRARY_FINDINGS)[]).map((kind) => libraryStorm(kind));
