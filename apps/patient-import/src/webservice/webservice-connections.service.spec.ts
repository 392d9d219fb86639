import { DestinationPolicy } from '@bridge/config';
import { DomainError, type WebServiceConnectionInputV1 } from '@bridge/contracts';
import type { Bus } from '@bridge/messaging';
import type { WebServiceConnectionsRepository } from './webservice-connections.repository';
import { WebServiceConnectionsService } from './webservice-connections.service';

const HOSPITAL = '6f1c8f46-6a5a-4d3e-9d9e-3f1b2d4c5a6b';

function setUp() {
  const stored = new Map<string, WebServiceConnectionInputV1>();
  const repository = {
    upsert: async (hospitalId: string, settings: WebServiceConnectionInputV1) => {
      stored.set(hospitalId, settings);
      return { hospitalId, settings, updatedAt: new Date('2026-01-01T00:00:00Z') };
    },
    find: async (hospitalId: string) => {
      const settings = stored.get(hospitalId);
      return settings && { hospitalId, settings, updatedAt: new Date('2026-01-01T00:00:00Z') };
    },
  };
  const bus = { requireHospital: jest.fn(async () => undefined) };
  const service = new WebServiceConnectionsService(
    repository as unknown as WebServiceConnectionsRepository,
    bus as unknown as Bus,
    new DestinationPolicy({ allowLoopback: false, platformEndpoints: [] }),
  );
  return { service, stored, bus };
}

async function fieldErrors(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('VALIDATION_FAILED');
    return ((error as DomainError).details?.errors ?? []).map((problem) => problem.field).sort();
  }
  throw new Error('expected VALIDATION_FAILED');
}

describe('WebServiceConnectionsService', () => {
  it('stores the secret but answers only whether one is set, and checks the hospital exists', async () => {
    const { service, stored, bus } = setUp();
    const view = await service.put(HOSPITAL, {
      flavor: 'pdq',
      baseUrl: 'https://emr.example/pdq',
      auth: { type: 'basic', username: 'bridge', password: 'pw-123456', token: 'stray' },
      destination: 'MIRTH',
    });
    expect(bus.requireHospital).toHaveBeenCalledWith(HOSPITAL);
    expect(stored.get(HOSPITAL)?.auth).toEqual({ type: 'basic', username: 'bridge', password: 'pw-123456' });
    expect(view).toEqual({
      hospitalId: HOSPITAL,
      flavor: 'pdq',
      baseUrl: 'https://emr.example/pdq',
      destination: 'MIRTH',
      timeoutMs: 5000,
      auth: { type: 'basic', username: 'bridge', secretSet: true },
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    const got = await service.get(HOSPITAL);
    expect(JSON.stringify(got)).not.toContain('pw-123456');
    expect(
      (await service.put(HOSPITAL, { flavor: 'fhir', baseUrl: 'https://emr.example/fhir' })).auth,
    ).toEqual({
      type: 'none',
      secretSet: false,
    });
  });

  it('refuses what would break every request or leak: credentials in the URL, bad header names, line breaks', async () => {
    const { service } = setUp();
    expect(
      await fieldErrors(
        service.put(HOSPITAL, {
          flavor: 'pdq',
          baseUrl: 'https://user:pw@emr.example/pdq',
          auth: { type: 'header', header: 'X Api Key', value: 'a\r\nInjected: 1' },
          destination: 'A\nB',
        }),
      ),
    ).toEqual(['auth.header', 'auth.value', 'baseUrl', 'destination']);
    expect(
      await fieldErrors(
        service.put(HOSPITAL, {
          flavor: 'pdq',
          baseUrl: 'https://emr.example',
          auth: { type: 'header', header: 'X-Destination', value: 'v' },
        }),
      ),
    ).toEqual(['auth.header']);
  });

  it('checks a custom mapping: {value} in the template, known patient fields, the required ones mapped', async () => {
    const { service } = setUp();
    expect(
      await fieldErrors(
        service.put(HOSPITAL, {
          flavor: 'custom',
          baseUrl: 'https://emr.example',
          custom: {
            urlTemplate: '/patients',
            resultsPath: 'data',
            fields: { patientCode: 'mrn', shoeSize: 'shoe' },
          },
        }),
      ),
    ).toEqual([
      'custom.fields.firstName',
      'custom.fields.lastName',
      'custom.fields.shoeSize',
      'custom.urlTemplate',
    ]);
    const view = await service.put(HOSPITAL, {
      flavor: 'custom',
      baseUrl: 'https://emr.example',
      custom: {
        urlTemplate: '/patients?{key}={value}',
        resultsPath: '',
        fields: { patientCode: 'mrn', firstName: 'given', lastName: 'family', 'address.city': 'town' },
      },
    });
    expect(view.custom).toEqual({
      urlTemplate: '/patients?{key}={value}',
      method: 'GET',
      resultsPath: '',
      fields: { patientCode: 'mrn', firstName: 'given', lastName: 'family', 'address.city': 'town' },
    });
  });

  it('answers NOT_FOUND for a hospital without a connection', async () => {
    const { service } = setUp();
    await expect(service.get(HOSPITAL)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('WebServiceConnectionsService: destinations written as addresses are checked at save (issue 10)', () => {
  async function refusedFields(input: Partial<WebServiceConnectionInputV1>): Promise<string[]> {
    const { service, stored } = setUp();
    try {
      await service.put(HOSPITAL, {
        flavor: 'pdq',
        baseUrl: 'https://emr.example/pdq',
        ...input,
      } as WebServiceConnectionInputV1);
    } catch (error) {
      expect((error as DomainError).code).toBe('CONNECTION_DESTINATION_REFUSED');
      expect(stored.size).toBe(0);
      return ((error as DomainError).details?.errors ?? []).map((problem) => problem.field);
    }
    throw new Error('expected CONNECTION_DESTINATION_REFUSED');
  }

  it.each([
    'http://169.254.169.254/latest/meta-data',
    'http://127.0.0.1:5432/',
    'http://localhost:15672/api',
    'http://[::1]/fhir',
    'http://0.0.0.0:8080/',
  ])('refuses baseUrl %s (loopback not allowed)', async (baseUrl) => {
    expect(await refusedFields({ baseUrl })).toEqual(['baseUrl']);
  });

  it('refuses an absolute custom template aimed at a refused address', async () => {
    const fields = await refusedFields({
      flavor: 'custom',
      custom: {
        urlTemplate: 'http://169.254.169.254/p/{value}',
        resultsPath: 'data',
        fields: { patientCode: 'id', firstName: 'f', lastName: 'l' },
      },
    } as Partial<WebServiceConnectionInputV1>);
    expect(fields).toEqual(['custom.urlTemplate']);
  });

  it('keeps private ranges: hospitals sit behind VPNs', async () => {
    const { service } = setUp();
    await expect(
      service.put(HOSPITAL, { flavor: 'pdq', baseUrl: 'https://10.20.30.40/pdq' }),
    ).resolves.toBeDefined();
    await expect(
      service.put(HOSPITAL, { flavor: 'pdq', baseUrl: 'https://192.168.1.5:8443/pdq' }),
    ).resolves.toBeDefined();
  });
});
