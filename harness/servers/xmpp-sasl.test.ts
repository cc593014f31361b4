import { describe, expect, it } from 'vitest';
import { plainMessage } from '../protocol/xmpp.ts';
import { checkPlain } from './xmpp-sasl.ts';

const accounts = (user: string) => (user === 'alice' ? 'secret' : undefined);

describe('checkPlain: SASL PLAIN against the accounts', () => {
  it('accepts the right password and names the user', () => {
    expect(checkPlain('PLAIN', plainMessage('alice', 'secret'), accounts)).toEqual({ user: 'alice' });
  });

  it('refuses a wrong password or an unknown user as not-authorized, naming the user', () => {
    expect(checkPlain('PLAIN', plainMessage('alice', 'guess'), accounts)).toEqual({ failure: 'not-authorized', text: 'wrong user name or password for "alice"' });
    expect(checkPlain('PLAIN', plainMessage('mallory', 'secret'), accounts)).toMatchObject({ failure: 'not-authorized' });
  });

  it('refuses another mechanism and a payload that is not PLAIN', () => {
    expect(checkPlain('SCRAM-SHA-1', '', accounts)).toMatchObject({ failure: 'invalid-mechanism', text: 'mechanism "SCRAM-SHA-1" is not offered (only PLAIN)' });
    expect(checkPlain('PLAIN', Buffer.from('alice:secret').toString('base64'), accounts)).toMatchObject({ failure: 'malformed-request' });
  });

  it('refuses to let one user act for another', () => {
    expect(checkPlain('PLAIN', Buffer.from('bob\0alice\0secret').toString('base64'), accounts)).toMatchObject({ failure: 'not-authorized', text: 'user "alice" may not act as "bob"' });
  });
});
