import { describe, expect, it } from 'vitest';
import { expiryOutcome, type ExpirySemantics } from './nat-outcome.ts';

const nat = (over: Partial<ExpirySemantics>): ExpirySemantics => ({ loose: false, port: 'preserve', filter: false, resetInside: false, ...over });

describe('expiryOutcome', () => {
  it('reads the inside host\'s outcome off the settings an operator configures', () => {
    expect(expiryOutcome(nat({ loose: true })).inside).toBe('pickup');
    expect(expiryOutcome(nat({ loose: true, port: 'random' })).inside).toBe('pickup-new-port');
    expect(expiryOutcome(nat({ resetInside: true })).inside).toBe('reset-by-nat');
    expect(expiryOutcome(nat({ filter: true })).inside).toBe('dropped');
    expect(expiryOutcome(nat({ resetInside: true, filter: true })).inside).toBe('reset-by-nat');
    expect(expiryOutcome(nat({})).inside).toBe('leaked');
  });

  it('the outside host meets the filter when there is one, else the router\'s own RST', () => {
    expect(expiryOutcome(nat({ filter: true })).outside).toBe('dropped');
    expect(expiryOutcome(nat({ loose: true })).outside).toBe('reset-by-nat');
  });

  it('only a loose pickup on the same port is transparent to the inside host', () => {
    const transparent = [nat({ loose: true }), nat({ loose: true, port: 'random' }), nat({ resetInside: true }), nat({ filter: true }), nat({})].map((c) => expiryOutcome(c).transparent);
    expect(transparent).toEqual([true, false, false, false, false]);
    expect(expiryOutcome(nat({ loose: true })).text).toContain('the connection goes on');
  });
});
