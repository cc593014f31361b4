import { expect, it } from 'vitest';
import { brandCheck } from './brand.ts';

it('knows a branded class’s instances and its subclasses’ from any copy that uses the same name, and nothing else', () => {
  // two classes of one name stand for the same class in two copies of the modules
  class Ours {}
  class Theirs {}
  class TheirSub extends Theirs {}
  const isOurs = brandCheck('test.Branded', Ours);
  const isTheirs = brandCheck('test.Branded', Theirs);
  expect(new Theirs() instanceof Ours).toBe(false);
  expect([new Ours(), new Theirs(), new TheirSub()].map(isOurs)).toEqual([true, true, true]);
  expect(isTheirs(new Ours())).toBe(true);
  class Other {}
  brandCheck('test.Other', Other);
  expect([new Other(), {}, null, undefined, 'Branded', Ours].map(isOurs)).toEqual([false, false, false, false, false, false]);
});
