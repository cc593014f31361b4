import { describe, expect, it } from 'vitest';
import { findSubject, registerBuiltInSubject, registerSubject, type SubjectDefinition } from './subjects.ts';

const definition = (kind: string, description: string): SubjectDefinition => ({
  kind,
  protocol: 'tcp',
  description,
  promises: () => ({}),
  createServer: () => {
    throw new Error('not run');
  },
  createClient: () => {
    throw new Error('not run');
  },
});

describe('the subject registry', () => {
  it("keeps a built-in's first registration: a second copy of flatline's modules registers it again", () => {
    registerBuiltInSubject(definition('built-in-twice', 'first'));
    registerBuiltInSubject(definition('built-in-twice', 'second'));
    expect(findSubject('built-in-twice').description).toBe('first');
  });

  it("lets a user's registration replace a subject of the same kind, built-in or not", () => {
    registerBuiltInSubject(definition('replaced', 'built-in'));
    registerSubject(definition('replaced', 'mine'));
    registerBuiltInSubject(definition('replaced', 'a copy of the built-in'));
    expect(findSubject('replaced').description).toBe('mine');
  });
});
