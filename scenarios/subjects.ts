/**
 * The subjects every built-in suite judges, how to set each one's heartbeat, and what each is
 * known to lack: a subject's shortfall in a given case is an expected finding (shown in the
 * results, not a suite failure).
 */
export const SUBJECTS = ['tcp', 'ws', 'mqtt', 'mqttjs'] as const;

export type BuiltInSubject = (typeof SUBJECTS)[number];

/** Subjects whose heartbeat interval a scenario can set (raw mqtt.js keeps its 60 s keepalive). */
export const TUNABLE = ['tcp', 'ws', 'mqtt'] as const;

/** The options that give `subject` a heartbeat every `interval`. */
export function heartbeatEvery(subject: (typeof TUNABLE)[number], interval: string): Record<string, unknown> {
  return subject === 'mqtt' ? { keepalive: interval } : { heartbeat: { interval } };
}

/** The options that make `subject` keep `guarantee`. */
export function guaranteeOf(subject: BuiltInSubject, guarantee: string): Record<string, unknown> {
  return subject === 'tcp' || subject === 'ws' ? { outbox: { guarantee, resendAfter: '10s' } } : { guarantee };
}

/** Known shortfalls, by subject and case; undefined means the subject is expected to pass. */
const FINDINGS: Partial<Record<BuiltInSubject, Partial<Record<string, string>>>> = {
  mqttjs: {
    'delivery-exactly-once':
      'mqtt.js defaults to clean: true, so a reconnect starts a new session: QoS 2 messages in flight are published again and delivered twice',
  },
};

export function findingFor(subject: BuiltInSubject, scenarioCase: string): string | undefined {
  return FINDINGS[subject]?.[scenarioCase];
}
