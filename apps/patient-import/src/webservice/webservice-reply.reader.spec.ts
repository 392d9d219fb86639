import { DomainError, type WebServiceConnectionInputV1 } from '@bridge/contracts';
import { hospitalTextOf, readWebServiceReply } from './webservice-reply.reader';
import type { Lookup } from './webservice-request.builder';

const AZDEMO = 'https://azdemo.example.be/id/patient';
const HHSJ = 'https://hhsj.example.be/id/patient';
const VISITS = 'https://azdemo.example.be/id/visit';
const SSIN = 'https://www.ehealth.fgov.be/standards/fhir/core/NamingSystem/ssin';
const V2 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

const byCode: Lookup = { by: 'patientCode', value: '100234' };
const json = (body: unknown, status = 200) => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(body),
});
const pdq = { flavor: 'pdq', baseUrl: 'http://h/pdq' } as WebServiceConnectionInputV1;
const fhir = {
  flavor: 'fhir',
  baseUrl: 'http://h/fhir',
  identifierSystems: { patientCode: AZDEMO, visitNumber: VISITS },
} as WebServiceConnectionInputV1;

function failure(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a failure');
}

const typed = (code: string) => ({ coding: [{ system: V2, code }] });

const francoise = {
  resourceType: 'Patient',
  id: 'p01',
  identifier: [
    { type: typed('NN'), system: SSIN, value: '83122515252' },
    { type: typed('MR'), system: HHSJ, value: 'H-55012' },
    { type: typed('MR'), system: AZDEMO, value: '100234' },
    { type: typed('VN'), system: VISITS, value: '2400012301' },
  ],
  name: [
    { use: 'maiden', family: 'Lemaître', given: ['Françoise'] },
    { use: 'official', family: 'Dubois-Lemaître', given: ['Françoise', 'Marie'], prefix: ['Mme'] },
  ],
  birthDate: '1985-07',
  gender: 'female',
  telecom: [
    { system: 'email', value: 'francoise.dubois@example.be' },
    { system: 'phone', use: 'mobile', value: '+32 475 12 34 56' },
    { system: 'phone', use: 'home', value: '+32 2 555 01 23' },
  ],
  address: [
    {
      use: 'home',
      line: ["Rue de l'Église 12 | bte 3"],
      city: 'Bruxelles',
      postalCode: '1000',
      country: 'BE',
    },
  ],
  communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'fr' }] }, preferred: true }],
};

describe('readWebServiceReply', () => {
  it('pdq: maps every entry field, keeps leading zeros and partial dates, normalises sex and national number', () => {
    const candidates = readWebServiceReply(
      pdq,
      { by: 'patientCode', value: '000777' },
      json({
        total: 2,
        entry: [
          {
            patient_code: '000777',
            first_name: 'Lucas',
            last_name: 'Peeters',
            birth_date: '1990',
            sex: 'male',
            mobile_phone: '+32 470 11 22 33',
            national_registry_number: '90.01.01-123.45',
            preferred_language: 'nl',
            address: {
              street: 'Meir 44 ^ app. 3.1',
              city: 'Antwerpen',
              zip: '2000',
              state: 'Antwerpen',
              country: 'BE',
            },
          },
          {
            patient_code: 778,
            first_name: ' Noor ',
            last_name: 'Janssens',
            birth_date: '2024-11-03T03:42:00+01:00',
            sex: 'F',
            email: null,
          },
        ],
      }),
    );
    expect(candidates).toEqual([
      {
        patientCode: '000777',
        firstName: 'Lucas',
        lastName: 'Peeters',
        birthDate: '1990',
        sex: 'male',
        mobilePhone: '+32 470 11 22 33',
        nationalRegistryNumber: '90010112345',
        preferredLanguage: 'nl',
        address: {
          street: 'Meir 44 ^ app. 3.1',
          city: 'Antwerpen',
          zip: '2000',
          state: 'Antwerpen',
          country: 'BE',
        },
        identifiers: [],
      },
      {
        patientCode: '778',
        firstName: 'Noor',
        lastName: 'Janssens',
        birthDate: '2024-11-03',
        sex: 'female',
        identifiers: [],
      },
    ]);
  });

  it('pdq: total 0 is not found; a lookup by visit number gives its candidates that visit number', () => {
    expect(readWebServiceReply(pdq, byCode, json({ total: 0, entry: [] }))).toEqual([]);
    expect(readWebServiceReply(pdq, byCode, json({ total: 0 }))).toEqual([]);
    const [candidate] = readWebServiceReply(
      pdq,
      { by: 'visitNumber', value: 'V9' },
      json({
        total: 1,
        entry: [{ patient_code: '1', first_name: 'A', last_name: 'B' }],
      }),
    );
    expect(candidate.visitNumber).toBe('V9');
  });

  it('fhir: the configured system picks the patient code (never position), official name, telecom, address, language', () => {
    const bundle = { resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ resource: francoise }] };
    expect(readWebServiceReply(fhir, byCode, json(bundle))).toEqual([
      {
        patientCode: '100234',
        visitNumber: '2400012301',
        firstName: 'Françoise',
        lastName: 'Dubois-Lemaître',
        middleName: 'Marie',
        birthDate: '1985-07',
        sex: 'female',
        email: 'francoise.dubois@example.be',
        phone: '+32 2 555 01 23',
        mobilePhone: '+32 475 12 34 56',
        nationalRegistryNumber: '83122515252',
        preferredLanguage: 'fr',
        address: { street: "Rue de l'Église 12 | bte 3", city: 'Bruxelles', zip: '1000', country: 'BE' },
        identifiers: [
          { system: SSIN, value: '83122515252' },
          { system: HHSJ, value: 'H-55012' },
          { system: AZDEMO, value: '100234' },
          { system: VISITS, value: '2400012301' },
        ],
      },
    ]);
  });

  it('fhir: without configured systems the identifier typed MR/VN and not old is read; an empty Bundle is not found', () => {
    const plain = { flavor: 'fhir', baseUrl: 'http://h/fhir' } as WebServiceConnectionInputV1;
    const oldNumber = { ...francoise.identifier[1], use: 'old' };
    const patient = {
      ...francoise,
      identifier: [francoise.identifier[3], oldNumber, francoise.identifier[2]],
    };
    const [candidate] = readWebServiceReply(
      plain,
      byCode,
      json({ resourceType: 'Bundle', entry: [{ resource: patient }] }),
    );
    expect(candidate).toMatchObject({ patientCode: '100234', visitNumber: '2400012301' });
    expect(
      readWebServiceReply(plain, byCode, json({ resourceType: 'Bundle', type: 'searchset', total: 0 })),
    ).toEqual([]);
  });

  it('fhir: an OperationOutcome is a hospital error carrying its diagnostics', () => {
    const outcome = {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'exception', diagnostics: 'Patient database offline' }],
    };
    for (const status of [200, 500]) {
      const error = failure(() => readWebServiceReply(fhir, byCode, json(outcome, status)));
      expect(error.code).toBe('HOSPITAL_ERROR');
      expect(error.details?.hospitalText).toBe('Patient database offline');
    }
  });

  it('non-2xx is HOSPITAL_ERROR with the hospital text, and the message itself quotes nothing of the answer', () => {
    const error = failure(() =>
      readWebServiceReply(pdq, byCode, json({ error: 'Patient database offline' }, 500)),
    );
    expect(error.code).toBe('HOSPITAL_ERROR');
    expect(error.message).toBe('The hospital web service answered HTTP 500.');
    expect(error.details).toEqual({ httpStatus: 500, hospitalText: 'Patient database offline' });
  });

  it('an answer that is not JSON, or not of the flavour, is HOSPITAL_ERROR', () => {
    const garbage = {
      status: 200,
      contentType: 'application/json',
      body: '<html><body><h1>502 Bad Gateway</h1>upstream \u0000\u00ff error</body></html>',
    };
    for (const connection of [pdq, fhir]) {
      expect(failure(() => readWebServiceReply(connection, byCode, garbage)).code).toBe('HOSPITAL_ERROR');
    }
    expect(failure(() => readWebServiceReply(pdq, byCode, json([1, 2]))).message).toContain('pdq');
    expect(failure(() => readWebServiceReply(pdq, byCode, json({ total: 3 }))).code).toBe('HOSPITAL_ERROR');
    expect(
      failure(() => readWebServiceReply(fhir, byCode, json({ resourceType: 'Patient' }))).message,
    ).toContain('Bundle');
  });

  describe('custom', () => {
    const custom = {
      flavor: 'custom',
      baseUrl: 'http://h',
      custom: {
        urlTemplate: '/p/{value}',
        resultsPath: 'data.patients',
        fields: {
          patientCode: 'ids.mrn',
          firstName: 'names[0].given',
          lastName: 'names.0.family',
          birthDate: 'dob',
          sex: 'gender',
          'address.city': 'home.city',
          nationalRegistryNumber: 'ssin',
        },
      },
    } as WebServiceConnectionInputV1;

    it('maps results through dotted paths (array indexes too), numbers read as written', () => {
      const answer = {
        data: {
          patients: [
            {
              ids: { mrn: 42 },
              names: [{ given: 'Jan', family: 'Peeters' }],
              dob: '1970-01-02',
              gender: 'M',
              home: { city: 'Gent' },
              ssin: '70.01.02-123.45',
            },
          ],
        },
      };
      expect(readWebServiceReply(custom, byCode, json(answer))).toEqual([
        {
          patientCode: '42',
          firstName: 'Jan',
          lastName: 'Peeters',
          birthDate: '1970-01-02',
          sex: 'male',
          address: { city: 'Gent' },
          nationalRegistryNumber: '70010212345',
          identifiers: [],
        },
      ]);
    });

    it('an object at the path is one result; null, an empty list or a 404 is not found; a missing path is an error', () => {
      const one = { data: { patients: { ids: { mrn: 'A1' }, names: [{ given: 'A', family: 'B' }] } } };
      expect(readWebServiceReply(custom, byCode, json(one))).toHaveLength(1);
      expect(readWebServiceReply(custom, byCode, json({ data: { patients: null } }))).toEqual([]);
      expect(readWebServiceReply(custom, byCode, json({ data: { patients: [] } }))).toEqual([]);
      expect(readWebServiceReply(custom, byCode, { status: 404, body: 'Not Found' })).toEqual([]);
      expect(failure(() => readWebServiceReply(custom, byCode, json({ results: [] }))).message).toContain(
        'resultsPath',
      );
    });
  });
});

describe('hospitalTextOf', () => {
  it('reads the hospital words from JSON error fields, OperationOutcome, or text without tags and control characters', () => {
    expect(hospitalTextOf('{"error":{"message":"Service down"}}')).toBe('Service down');
    expect(hospitalTextOf('{"message":"Quota exceeded","code":7}')).toBe('Quota exceeded');
    expect(hospitalTextOf('<html><body><h1>503</h1> Maintenance\u0000 tonight</body></html>')).toBe(
      '503 Maintenance tonight',
    );
    expect(hospitalTextOf('')).toBeUndefined();
    expect(hospitalTextOf('x'.repeat(2000))).toHaveLength(500);
  });
});
