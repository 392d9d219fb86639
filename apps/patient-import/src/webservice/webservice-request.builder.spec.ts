import { DomainError, type WebServiceConnectionInputV1 } from '@bridge/contracts';
import { buildWebServiceRequest, describeRequest, staysUnderPrefix } from './webservice-request.builder';

const AZDEMO = 'https://azdemo.example.be/id/patient';
const VISITS = 'https://azdemo.example.be/id/visit';

function connection(overrides: Partial<WebServiceConnectionInputV1> = {}): WebServiceConnectionInputV1 {
  return { flavor: 'pdq', baseUrl: 'https://emr.example/pdq/', ...overrides } as WebServiceConnectionInputV1;
}

/** The decoded query parameter, as the hospital's server reads it. */
function parameter(url: string, name: string): string | null {
  return new URL(url).searchParams.get(name);
}

describe('buildWebServiceRequest', () => {
  it('pdq: GET {baseUrl}/Patient?identifier:of-type={system}|MR|{value}, system from identifierSystems', () => {
    const request = buildWebServiceRequest(
      connection({ identifierSystems: { patientCode: AZDEMO, visitNumber: VISITS } }),
      {
        by: 'patientCode',
        value: '000777',
      },
    );
    expect(request.method).toBe('GET');
    expect(request.url).toBe(
      `https://emr.example/pdq/Patient?identifier:of-type=${encodeURIComponent(`${AZDEMO}|MR|000777`)}`,
    );
    expect(parameter(request.url, 'identifier:of-type')).toBe(`${AZDEMO}|MR|000777`);
    const byVisit = buildWebServiceRequest(connection({ identifierSystems: { visitNumber: VISITS } }), {
      by: 'visitNumber',
      value: '2400077700',
    });
    expect(parameter(byVisit.url, 'identifier:of-type')).toBe(`${VISITS}|VN|2400077700`);
  });

  it('pdq without a configured system leaves it empty: that type of id, from any issuer', () => {
    const request = buildWebServiceRequest(connection(), { by: 'visitNumber', value: 'V1' });
    expect(parameter(request.url, 'identifier:of-type')).toBe('|VN|V1');
  });

  it('encodes values so that &, #, spaces and | cannot change the query (| and , FHIR-escaped)', () => {
    const request = buildWebServiceRequest(connection({ identifierSystems: { patientCode: AZDEMO } }), {
      by: 'patientCode',
      value: 'A&b=c #1|x,y',
    });
    const url = new URL(request.url);
    expect([...url.searchParams.keys()]).toEqual(['identifier:of-type']);
    expect(url.hash).toBe('');
    expect(parameter(request.url, 'identifier:of-type')).toBe(`${AZDEMO}|MR|A&b=c #1\\|x\\,y`);
  });

  it('keeps a query string already in the base URL', () => {
    const request = buildWebServiceRequest(
      connection({ baseUrl: 'https://emr.example/fhir?tenant=az', flavor: 'fhir' }),
      {
        by: 'patientCode',
        value: '1',
      },
    );
    expect(request.url).toBe('https://emr.example/fhir/Patient?tenant=az&identifier=1');
  });

  it('fhir: GET {baseUrl}/Patient?identifier={system}|{value}; without a system the bare value', () => {
    const withSystem = buildWebServiceRequest(
      connection({ flavor: 'fhir', identifierSystems: { patientCode: AZDEMO } }),
      {
        by: 'patientCode',
        value: '100234',
      },
    );
    expect(withSystem.url.startsWith('https://emr.example/pdq/Patient?identifier=')).toBe(true);
    expect(parameter(withSystem.url, 'identifier')).toBe(`${AZDEMO}|100234`);
    expect(withSystem.headers.accept).toContain('application/fhir+json');
    const bare = buildWebServiceRequest(connection({ flavor: 'fhir' }), {
      by: 'visitNumber',
      value: '2400012301',
    });
    expect(parameter(bare.url, 'identifier')).toBe('2400012301');
  });

  it('custom: fills {key} and {value} URL-encoded, relative to the base URL; POST sends the lookup as JSON', () => {
    const custom = { urlTemplate: 'patients?{key}={value}', resultsPath: 'data', fields: {} };
    const request = buildWebServiceRequest(connection({ flavor: 'custom', custom }), {
      by: 'visitNumber',
      value: 'V 1/2',
    });
    expect(request.url).toBe('https://emr.example/pdq/patients?visitNumber=V%201%2F2');
    const absolute = buildWebServiceRequest(
      connection({
        flavor: 'custom',
        custom: { ...custom, urlTemplate: 'https://other.example/p/{value}', method: 'POST' },
      }),
      { by: 'patientCode', value: '{key}' },
    );
    expect(absolute.url).toBe('https://other.example/p/%7Bkey%7D');
    expect(absolute.method).toBe('POST');
    expect(absolute.headers['content-type']).toBe('application/json');
    expect(JSON.parse(absolute.body ?? '')).toEqual({ patientCode: '{key}' });
  });

  it('adds the auth of each mode and X-Destination, and the journal form hides every secret', () => {
    const basic = buildWebServiceRequest(
      connection({
        destination: 'MIRTH-PDQ',
        auth: { type: 'basic', username: 'bridge', password: 's3cr3t-pw' },
      }),
      { by: 'patientCode', value: '1' },
    );
    expect(basic.headers.authorization).toBe(`Basic ${Buffer.from('bridge:s3cr3t-pw').toString('base64')}`);
    expect(basic.headers['x-destination']).toBe('MIRTH-PDQ');
    const bearer = buildWebServiceRequest(connection({ auth: { type: 'bearer', token: 'tok-123456' } }), {
      by: 'patientCode',
      value: '1',
    });
    expect(bearer.headers.authorization).toBe('Bearer tok-123456');
    const header = buildWebServiceRequest(
      connection({ auth: { type: 'header', header: 'X-Api-Key', value: 'key-987654' } }),
      {
        by: 'patientCode',
        value: '1',
      },
    );
    expect(header.headers['x-api-key']).toBe('key-987654');
    expect(
      buildWebServiceRequest(connection(), { by: 'patientCode', value: '1' }).headers.authorization,
    ).toBeUndefined();

    const journaled = [basic, bearer, header].map(describeRequest).join('\n');
    for (const secret of [
      's3cr3t-pw',
      Buffer.from('bridge:s3cr3t-pw').toString('base64'),
      'tok-123456',
      'key-987654',
    ]) {
      expect(journaled).not.toContain(secret);
    }
    expect(describeRequest(basic)).toContain('authorization: Basic [redacted]');
    expect(describeRequest(basic)).toContain('x-destination: MIRTH-PDQ');
    expect(describeRequest(header)).toContain('x-api-key: [redacted]');
    expect(describeRequest(basic).split('\n')[0]).toBe(`GET ${basic.url}`);
  });
});

describe('custom URL templates: a lookup value cannot leave the template (issue 10)', () => {
  const custom = { urlTemplate: '/api/patients/{value}/summary', resultsPath: 'data', fields: {} };
  const request = (value: string) =>
    buildWebServiceRequest(connection({ flavor: 'custom', custom }), { by: 'patientCode', value });

  it.each(['..', '.'])('refuses %j as a value, naming the field, before anything is sent', (value) => {
    let error: unknown;
    try {
      request(value);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('VALIDATION_FAILED');
    expect((error as DomainError).details?.errors).toEqual([
      expect.objectContaining({ field: 'patientCode' }),
    ]);
  });

  it('keeps encoded dots and slashes inside the one path segment', () => {
    expect(request('%2e%2e').url).toBe('https://emr.example/pdq/api/patients/%252e%252e/summary');
    expect(request('../../admin').url).toBe('https://emr.example/pdq/api/patients/..%2F..%2Fadmin/summary');
    expect(request('...').url).toBe('https://emr.example/pdq/api/patients/.../summary');
  });

  it('checks the final path against the prefix up to the first placeholder', () => {
    const template = 'https://emr.example/api/patients/{value}/x';
    expect(staysUnderPrefix(template, 'https://emr.example/api/patients/123/x')).toBe(true);
    expect(staysUnderPrefix(template, 'https://emr.example/api/patients/../x')).toBe(false);
    expect(staysUnderPrefix(template, 'https://other.example/api/patients/1/x')).toBe(false);
    expect(staysUnderPrefix('https://emr.example/p?code={value}', 'https://emr.example/p?code=..')).toBe(
      true,
    );
  });
});
