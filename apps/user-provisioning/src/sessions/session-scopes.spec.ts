import { scopesForRoles, scopesShrink } from './session-scopes';

describe('session scopes', () => {
  it('gives every clinical role the patient, care-flow and import scopes, and hospital admins users:write; never scim or admin', () => {
    expect(scopesForRoles(['clinician'])).toEqual([
      'patients:read',
      'patients:write',
      'careflows:write',
      'imports',
    ]);
    expect(scopesForRoles(['physician'])).toEqual(scopesForRoles(['clinician']));
    expect(scopesForRoles(['hospital-admin'])).toEqual([...scopesForRoles(['clinician']), 'users:write']);
    for (const roles of [['clinician'], ['physician'], ['hospital-admin']] as const) {
      expect(scopesForRoles(roles)).not.toEqual(expect.arrayContaining(['scim']));
      expect(scopesForRoles(roles)).not.toEqual(expect.arrayContaining(['admin']));
    }
  });

  it('says when a role change takes a scope away', () => {
    expect(scopesShrink(['hospital-admin'], ['clinician'])).toBe(true);
    expect(scopesShrink(['clinician'], ['hospital-admin'])).toBe(false);
    expect(scopesShrink(['clinician'], ['physician'])).toBe(false);
  });
});
