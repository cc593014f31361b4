import { describe, expect, it } from 'vitest';
import { nameParties, namePartiesIn } from './party-names.ts';

const partyAt = (port: number) => ({ 40123: 'proxy:server', 40200: 'server:server' })[port];

describe('nameParties', () => {
  it("names the party behind a loopback address in node's, ws' and mqtt.js' connect errors", () => {
    expect(nameParties('connect ECONNREFUSED 127.0.0.1:40123', partyAt)).toBe('connect ECONNREFUSED proxy:server');
    expect(nameParties('closed 1000: connect ECONNREFUSED 127.0.0.1:40123', partyAt)).toBe('closed 1000: connect ECONNREFUSED proxy:server');
    expect(nameParties('connect ECONNREFUSED ::1:40200', partyAt)).toBe('connect ECONNREFUSED server:server');
    expect(nameParties('connect ETIMEDOUT [::ffff:127.0.0.1]:40123', partyAt)).toBe('connect ETIMEDOUT proxy:server');
    expect(nameParties('connect ECONNREFUSED ::ffff:127.0.0.1:40123, connect ECONNREFUSED localhost:40200', partyAt)).toBe('connect ECONNREFUSED proxy:server, connect ECONNREFUSED server:server');
  });

  it('hides a loopback port no party holds, keeping the host', () => {
    expect(nameParties('connect ECONNREFUSED 127.0.0.1:51234', partyAt)).toBe('connect ECONNREFUSED 127.0.0.1:<port>');
    expect(nameParties('listen EADDRINUSE: address already in use [::1]:51234', partyAt)).toBe('listen EADDRINUSE: address already in use [::1]:<port>');
  });

  it('leaves addresses off the loopback, and numbers that are not addresses, alone', () => {
    for (const text of ['connect ECONNREFUSED 10.0.0.5:1883', 'getaddrinfo ENOTFOUND broker.example:1883', 'closed 1006', 'ack timeout: no ack for c-12 within 10s', 'at 12:30:45', 'v127.0.0.1:80x']) {
      expect(nameParties(text, partyAt)).toBe(text);
    }
  });
});

describe('namePartiesIn', () => {
  it('names parties in every string of a detail and returns the same object when nothing changes', () => {
    const detail = { reason: 'connect ECONNREFUSED 127.0.0.1:40123', attempt: 3 };
    expect(namePartiesIn(detail, partyAt)).toEqual({ reason: 'connect ECONNREFUSED proxy:server', attempt: 3 });
    expect(detail.reason).toBe('connect ECONNREFUSED 127.0.0.1:40123'); // not mutated
    const plain = { reason: 'ECONNRESET' };
    expect(namePartiesIn(plain, partyAt)).toBe(plain);
    expect(namePartiesIn(undefined, partyAt)).toBeUndefined();
  });
});
