import { describe, expect, it } from '@jest/globals';
import { DomainError, Role } from '#domain';
import { type Actor, inScope, scopeFor } from './actor.js';
import { Permission } from './permission.js';

const actor = (memberships: Actor['memberships']): Actor => ({
  userId: 'u',
  municipalityId: 'm',
  username: 'u',
  displayName: 'U',
  authMethod: 'session',
  memberships,
});

describe(scopeFor.name, () => {
  it('covers the subtree below each unit where a granting role is held, once', () => {
    const scope = scopeFor(
      actor([
        { unitId: 'a', unitPath: '/root/a/', role: Role.Caseworker },
        { unitId: 'a1', unitPath: '/root/a/a1/', role: Role.Caseworker },
        { unitId: 'b', unitPath: '/root/b/', role: Role.Politician },
      ]),
      Permission.ClientRead,
    );
    expect(scope.unitPaths).toEqual(['/root/a/']);
    expect(inScope(scope, '/root/a/a1/x/')).toBe(true);
    expect(inScope(scope, '/root/b/')).toBe(false);
    expect(inScope(scope, '/root/')).toBe(false);
  });

  it('refuses a politician any individual-level permission', () => {
    const politician = actor([{ unitId: 'root', unitPath: '/root/', role: Role.Politician }]);
    for (const p of [Permission.ClientRead, Permission.ClientWrite, Permission.ClientSearch]) {
      expect(() => scopeFor(politician, p)).toThrow(DomainError);
    }
    expect(scopeFor(politician, Permission.AggregateRead).unitPaths).toEqual(['/root/']);
  });
});
