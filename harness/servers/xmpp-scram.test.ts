import { describe, expect, it } from 'vitest';
import { ScramSha1Exchange } from './xmpp-scram.ts';

/** RFC 5802 §5's example exchange: user "user", password "pencil". */
const RFC = {
  clientFirst: 'n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL',
  serverNonce: '3rfcNHYJY1ZVvWVs7j',
  salt: Buffer.from('QSXCR+Q6sek8bf92', 'base64'),
  serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
  clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
  serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
};

const exchange = (password = 'pencil') => new ScramSha1Exchange((user) => (user === 'user' ? password : undefined), RFC.serverNonce, () => RFC.salt);

describe('ScramSha1Exchange: the server half of SCRAM-SHA-1', () => {
  it("reproduces RFC 5802's example exchange byte for byte", () => {
    const scram = exchange();
    expect(scram.first(RFC.clientFirst)).toEqual({ challenge: RFC.serverFirst });
    expect(scram.final(RFC.clientFinal)).toEqual({ user: 'user', serverFinal: RFC.serverFinal });
  });

  it('refuses a proof made with another password, naming the user', () => {
    const scram = exchange('not-pencil');
    scram.first(RFC.clientFirst);
    expect(scram.final(RFC.clientFinal)).toEqual({ failure: 'not-authorized', text: 'wrong user name or password for "user"' });
  });

  it('refuses messages that are not SCRAM, channel binding, and a nonce that is not its own', () => {
    expect(exchange().first('user,pencil')).toMatchObject({ failure: 'malformed-request' });
    expect(exchange().first('p=tls-unique,,n=user,r=abc')).toMatchObject({ failure: 'malformed-request', text: 'channel binding is not offered (no TLS here)' });
    const scram = exchange();
    scram.first(RFC.clientFirst);
    expect(scram.final(RFC.clientFinal.replace('3rfc', '4rfc'))).toMatchObject({ failure: 'malformed-request', text: 'SCRAM client-final must carry the combined nonce and a proof' });
  });
});
