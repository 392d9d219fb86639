import { isDomainError } from '@bridge/contracts';
import { applyPatch, parsePatchRequest } from './scim-patch';
import type { ScimUserState } from './scim-user.mapper';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const user: ScimUserState = {
  userName: 'an@h.example',
  givenName: 'An',
  familyName: 'Peeters',
  nameFormatted: null,
  displayName: null,
  emails: null,
  addresses: null,
  externalId: 'ext-1',
  active: true,
  employeeNumber: null,
  preferredLanguage: null,
  roles: ['clinician'],
  email: 'an@h.example',
};

const patch = (...operations: object[]) => applyPatch(user, parsePatchRequest({ Operations: operations }));

function scimTypeOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return isDomainError(error) ? error.details?.scimType : error;
  }
  return 'accepted';
}

describe('SCIM PATCH', () => {
  it('takes op in any letter case, and active as a boolean or Entra\'s "True"/"False" strings', () => {
    expect(patch({ op: 'Replace', path: 'active', value: 'False' }).active).toBe(false);
    expect(patch({ op: 'REPLACE', path: 'active', value: false }).active).toBe(false);
    expect(patch({ op: 'replace', path: 'active', value: 'false' }).active).toBe(false);
    expect(
      applyPatch(
        { ...user, active: false },
        parsePatchRequest({ Operations: [{ op: 'Add', path: 'active', value: 'True' }] }),
      ).active,
    ).toBe(true);
  });

  it('applies sub-attribute paths and path-less values, including dotted keys and the enterprise extension', () => {
    expect(patch({ op: 'replace', path: 'name.givenName', value: 'Anna' })).toMatchObject({
      givenName: 'Anna',
      familyName: 'Peeters',
    });
    expect(patch({ op: 'replace', path: 'name', value: { familyName: 'Jansen' } })).toMatchObject({
      givenName: 'An',
      familyName: 'Jansen',
    });
    expect(
      patch({ op: 'add', value: { 'name.familyName': 'Smet', active: 'False', userName: 'new@h.example' } }),
    ).toMatchObject({
      familyName: 'Smet',
      active: false,
      userName: 'new@h.example',
    });
    expect(patch({ op: 'add', path: `${ENTERPRISE}:employeeNumber`, value: 701984 }).employeeNumber).toBe(
      '701984',
    );
    expect(
      patch({ op: 'replace', value: { [ENTERPRISE]: { employeeNumber: 'E-1', department: 'x' } } })
        .employeeNumber,
    ).toBe('E-1');
    expect(patch({ op: 'replace', value: { [`${ENTERPRISE}:employeeNumber`]: 'E-2' } }).employeeNumber).toBe(
      'E-2',
    );
    expect(
      patch({
        op: 'replace',
        path: 'urn:ietf:params:scim:schemas:core:2.0:User:userName',
        value: 'core@h.example',
      }).userName,
    ).toBe('core@h.example');
  });

  it('removes optional attributes and role values', () => {
    expect(patch({ op: 'remove', path: 'externalId' }).externalId).toBeNull();
    const roles = applyPatch(
      { ...user, roles: ['clinician', 'physician'] },
      parsePatchRequest({ Operations: [{ op: 'Remove', path: 'roles[value eq "physician"]' }] }),
    );
    expect(roles.roles).toEqual(['clinician']);
    expect(
      patch({ op: 'add', path: 'roles', value: [{ value: 'Hospital-Admin' }, { value: 'unknown' }] }).roles,
    ).toEqual(['clinician', 'hospital-admin']);
    expect(patch({ op: 'replace', path: 'roles', value: [{ value: 'physician' }] }).roles).toEqual([
      'physician',
    ]);
  });

  it('ignores attributes the Care app does not keep', () => {
    expect(
      patch(
        { op: 'add', path: 'phoneNumbers[type eq "mobile"].value', value: '+32' },
        { op: 'add', path: `${ENTERPRISE}:manager`, value: { value: 'boss' } },
        { op: 'replace', value: { title: 'Nurse', locale: 'nl-BE' } },
      ),
    ).toEqual(user);
  });

  it('keeps preferredLanguage: the first, most wanted language of an Accept-Language list; remove clears it', () => {
    expect(patch({ op: 'replace', value: { preferredLanguage: 'nl-BE' } }).preferredLanguage).toBe('nl-BE');
    expect(patch({ op: 'add', path: 'preferredLanguage', value: 'da, en-gb;q=0.8' }).preferredLanguage).toBe(
      'da',
    );
    expect(
      patch({ op: 'replace', path: 'preferredLanguage', value: 'fr;q=0.5, nl_BE' }).preferredLanguage,
    ).toBe('nl-BE');
    const set = applyPatch(
      user,
      parsePatchRequest({ Operations: [{ op: 'add', path: 'preferredLanguage', value: 'fr' }] }),
    );
    expect(
      applyPatch(set, parsePatchRequest({ Operations: [{ op: 'remove', path: 'preferredLanguage' }] }))
        .preferredLanguage,
    ).toBeNull();
    expect(
      scimTypeOf(() => patch({ op: 'replace', path: 'preferredLanguage', value: 'not a language!' })),
    ).toBe('invalidValue');
  });

  it('keeps displayName and name.formatted', () => {
    expect(
      patch({ op: 'replace', value: { displayName: 'Dr. An', 'name.formatted': 'An M. Peeters' } }),
    ).toMatchObject({ displayName: 'Dr. An', nameFormatted: 'An M. Peeters' });
    expect(patch({ op: 'replace', path: 'name', value: { formatted: 'A. P.' } }).nameFormatted).toBe('A. P.');
  });

  it('applies emails patches: a value filter with a sub-attribute, adding a first work address, add and remove', () => {
    // A user whose list the IdP never set starts from the Care-app e-mail.
    expect(
      patch({ op: 'replace', path: 'emails[type eq "work"].value', value: 'x@y.example' }).emails,
    ).toEqual([{ value: 'x@y.example', type: 'work', primary: true }]);
    const two = patch({
      op: 'add',
      path: 'emails',
      value: [{ value: 'home@y.example', type: 'home' }],
    });
    expect(two.emails).toEqual([
      { value: 'an@h.example', type: 'work', primary: true },
      { value: 'home@y.example', type: 'home' },
    ]);
    expect(
      applyPatch(two, parsePatchRequest({ Operations: [{ op: 'remove', path: 'emails[type eq "home"]' }] }))
        .emails,
    ).toEqual([{ value: 'an@h.example', type: 'work', primary: true }]);
    // No work address yet: Entra ID's replace adds one.
    const none = { ...user, emails: [{ value: 'home@y.example', type: 'home' }] };
    expect(
      applyPatch(
        none,
        parsePatchRequest({
          Operations: [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'w@y.example' }],
        }),
      ).emails,
    ).toEqual([
      { value: 'home@y.example', type: 'home' },
      { value: 'w@y.example', type: 'work' },
    ]);
    expect(
      patch({ op: 'replace', path: 'emails', value: [{ value: 'p@y.example', primary: 'True' }] }).emails,
    ).toEqual([{ value: 'p@y.example', primary: true }]);
  });

  it('removes only the roles a supported filter matches, and refuses a filter it cannot read', () => {
    const many = { ...user, roles: ['clinician', 'physician', 'hospital-admin'] as ScimUserState['roles'] };
    const remove = (path: string) =>
      applyPatch(many, parsePatchRequest({ Operations: [{ op: 'remove', path }] }));
    expect(remove('roles[value eq "physician" or value eq "HOSPITAL-ADMIN"]').roles).toEqual(['clinician']);
    expect(remove('roles[not (value eq "clinician")]').roles).toEqual(['clinician']);
    expect(remove('roles[value sw "phys"]').roles).toEqual(['clinician', 'hospital-admin']);
    for (const path of [
      'roles[shoeSize eq "x"]',
      'roles[value eq]',
      'roles[value eq "a"',
      'roles[emails[value eq "x"]]',
    ]) {
      expect(scimTypeOf(() => remove(path))).toMatch(/^invalid(Filter|Path)$/);
    }
    expect(scimTypeOf(() => remove('roles[primary gt true]'))).toBe('invalidFilter');
    expect(scimTypeOf(() => remove('active[value eq "x"]'))).toBe('invalidPath');
  });

  it('leaves the input untouched', () => {
    patch({ op: 'replace', path: 'name.givenName', value: 'Changed' });
    expect(user.givenName).toBe('An');
  });

  it.each([
    ['an unknown op', { op: 'move', path: 'active', value: true }, 'invalidSyntax'],
    ['remove without a path', { op: 'remove' }, 'noTarget'],
    ['a path-less non-object value', { op: 'add', value: 'x' }, 'invalidSyntax'],
    ['an unknown attribute', { op: 'add', path: 'shoeSize', value: 42 }, 'invalidPath'],
    ['an unknown schema', { op: 'add', path: 'urn:acme:scim:User:badge', value: 'b' }, 'invalidPath'],
    ['a malformed path', { op: 'add', path: 'name..givenName', value: 'x' }, 'invalidPath'],
    ['active that is not a boolean', { op: 'replace', path: 'active', value: 'maybe' }, 'invalidValue'],
    ['removing userName', { op: 'remove', path: 'userName' }, 'invalidValue'],
    ['an empty userName', { op: 'replace', path: 'userName', value: ' ' }, 'invalidValue'],
    [
      'emails that are not objects',
      { op: 'replace', path: 'emails', value: ['a@b.example'] },
      'invalidValue',
    ],
    ['an over-long name', { op: 'replace', path: 'name.givenName', value: 'x'.repeat(101) }, 'invalidValue'],
  ])('refuses %s', (_name, operation, scimType) => {
    expect(scimTypeOf(() => patch(operation))).toBe(scimType);
  });

  it('refuses a body without operations', () => {
    expect(
      scimTypeOf(() => parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] })),
    ).toBe('invalidSyntax');
    expect(scimTypeOf(() => parsePatchRequest({ Operations: [] }))).toBe('invalidSyntax');
    expect(parsePatchRequest({ operations: [{ OP: 'Add', PATH: 'active', VALUE: true }] })).toEqual([
      { op: 'add', path: 'active', value: true },
    ]);
  });
});
