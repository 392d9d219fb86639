import { isDomainError } from '@bridge/contracts';
import { applyPatch, parsePatchRequest } from './scim-patch';
import type { ScimUserState } from './scim-user.mapper';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const user: ScimUserState = {
  userName: 'an@h.example',
  givenName: 'An',
  familyName: 'Peeters',
  externalId: 'ext-1',
  active: true,
  employeeNumber: null,
  roles: ['clinician'],
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
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'x@y.example' },
        { op: 'add', path: 'phoneNumbers[type eq "mobile"].value', value: '+32' },
        { op: 'add', path: `${ENTERPRISE}:manager`, value: { value: 'boss' } },
        { op: 'replace', value: { displayName: 'X', title: 'Nurse', preferredLanguage: 'nl-BE' } },
      ),
    ).toEqual(user);
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
    ['a userName that is not an e-mail', { op: 'replace', path: 'userName', value: 'jdoe' }, 'invalidValue'],
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
