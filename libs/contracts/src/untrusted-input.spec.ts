import { DomainError } from './errors';
import { ImportLookupInputV1 } from './imports/imports.rpc.v1';
import { PatientInputV1, PatientSearchV1 } from './patients/patient-input.v1';
import { UpsertPatientRequestV1 } from './patients/patients.rpc.v1';
import { LoginTokenInputV1 } from './users/sessions.rpc.v1';
import { UserInputV1, UserPatchV1 } from './users/user.v1';
import { MAX_PAYLOAD_DEPTH } from './untrusted-keys';
import { validatePayload } from './validation';

/** The refusal validatePayload gives, or the error it threw instead (a TypeError was a 500). */
function refusalOf(
  payloadClass: new () => object,
  body: unknown,
): { code?: string; fields: string[] } | Error {
  try {
    validatePayload(payloadClass, body);
  } catch (error) {
    if (error instanceof DomainError) {
      return { code: error.code, fields: (error.details?.errors ?? []).map((problem) => problem.field) };
    }
    return error as Error;
  }
  throw new Error('accepted');
}

const patient = { patientCode: 'P-1', firstName: 'Ann', lastName: 'Lee' };
const user = { email: 'ann@example.org', firstName: 'Ann', lastName: 'Lee', roles: ['clinician'] };

describe('untrusted keys (issue 10: class-transformer crashed on a nested constructor key)', () => {
  it.each([
    ['POST /v1/users', UserInputV1, { ...user, roles: [{ constructor: 1 }] }, 'roles.0.constructor'],
    [
      'POST /v1/patients',
      PatientInputV1,
      { ...patient, identifiers: [{ constructor: 1 }] },
      'identifiers.0.constructor',
    ],
    [
      'POST /v1/patients',
      PatientInputV1,
      { ...patient, address: { constructor: { prototype: 1 } } },
      'address.constructor',
    ],
    ['POST /v1/patients/search', PatientSearchV1, { identifier: { prototype: {} } }, 'identifier.prototype'],
    [
      'POST /v1/imports',
      ImportLookupInputV1,
      { patientCode: [{ constructor: 1 }] },
      'patientCode.0.constructor',
    ],
    ['top level', PatientInputV1, { ...patient, constructor: 1 }, 'constructor'],
    [
      '__proto__ as JSON.parse makes it',
      UserInputV1,
      JSON.parse('{"roles":[{"__proto__":{"x":1}}]}'),
      'roles.0.__proto__',
    ],
    [
      'bus payload',
      UpsertPatientRequestV1,
      { hospitalId: 'h', patient: { ...patient, careFlow: { baseline: { constructor: 'x' } } } },
      'patient.careFlow.baseline.constructor',
    ],
  ])('%s: a prototype key is 400 VALIDATION_FAILED naming it', (_where, payloadClass, body, field) => {
    expect(refusalOf(payloadClass as new () => object, body)).toEqual({
      code: 'VALIDATION_FAILED',
      fields: [field],
    });
  });

  it('refuses nesting deeper than any payload, without recursion', () => {
    let deep: unknown = 'x';
    for (let level = 0; level < 100_000; level += 1) deep = [deep];
    expect(refusalOf(PatientInputV1, { ...patient, address: deep })).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    let fine: unknown = {};
    for (let level = 0; level < MAX_PAYLOAD_DEPTH - 1; level += 1) fine = { a: fine };
    expect(refusalOf(PatientInputV1, { ...patient, address: fine })).toMatchObject({ fields: ['address.a'] });
  });
});

describe('C0 control characters in lookup and push fields (issue 10: \\x1c\\r\\x0b split the HL7 frame)', () => {
  const framing = 'P1\x1c\r\x0bMSH|^~\\&|';
  it.each([
    ['patient push patientCode', PatientInputV1, { ...patient, patientCode: framing }, 'patientCode'],
    ['patient push lastName', PatientInputV1, { ...patient, lastName: 'Lee\x00' }, 'lastName'],
    ['patient push address', PatientInputV1, { ...patient, address: { city: 'Gent\n' } }, 'address.city'],
    [
      'patient push identifier',
      PatientInputV1,
      { ...patient, identifiers: [{ system: 's', value: 'v\t' }] },
      'identifiers.0.value',
    ],
    [
      'patient push baseline value',
      PatientInputV1,
      { ...patient, careFlow: { definitionKey: 'k', baseline: { side: 'L\x0b' } } },
      'careFlow.baseline',
    ],
    ['patient search patientCode', PatientSearchV1, { patientCode: framing }, 'patientCode'],
    [
      'patient search identifier',
      PatientSearchV1,
      { identifier: { system: 'x\x1f', value: 'v' } },
      'identifier.system',
    ],
    ['import lookup patientCode', ImportLookupInputV1, { patientCode: framing }, 'patientCode'],
    ['import lookup visitNumber', ImportLookupInputV1, { visitNumber: 'V\r1' }, 'visitNumber'],
    ['user create name', UserInputV1, { ...user, firstName: 'A\x1bnn' }, 'firstName'],
    ['user patch physicianCode', UserPatchV1, { physicianCode: 'D\x0b1' }, 'physicianCode'],
    ['login link patientCode', LoginTokenInputV1, { ...user, patientCode: framing }, 'patientCode'],
  ])('%s is 400 VALIDATION_FAILED', (_where, payloadClass, body, field) => {
    expect(refusalOf(payloadClass as new () => object, body)).toEqual({
      code: 'VALIDATION_FAILED',
      fields: [field],
    });
  });

  it('still accepts printable text, accents and DEL-free Unicode', () => {
    expect(validatePayload(PatientInputV1, { ...patient, lastName: 'Çelik-Ö’Brien 李' })).toBeInstanceOf(
      PatientInputV1,
    );
    expect(validatePayload(PatientSearchV1, { patientCode: '000123' })).toBeInstanceOf(PatientSearchV1);
  });
});
