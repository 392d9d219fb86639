import { SIM_AUTHORITIES, SIM_IDS, SIM_VISIT_SYSTEM } from './dataset';
import { startHospitalSim, type HospitalSim } from './hospital-sim';
import { SIM_ERROR_TEXT, SIM_FAULTS } from './sim-faults';

const SLOW_MS = 200;
const TIMEOUT_MS = 400;
const PATIENT_SYSTEM = SIM_AUTHORITIES.AZDEMO.system;

type Json = Record<string, any>;

function pdqUrl(sim: HospitalSim, system: string, type: string, value: string): string {
  return `${sim.http.baseUrl}/pdq/Patient?identifier:of-type=${encodeURIComponent(`${system}|${type}|${value}`)}`;
}

function fhirUrl(sim: HospitalSim, system: string, value: string): string {
  return `${sim.http.baseUrl}/fhir/Patient?identifier=${encodeURIComponent(`${system}|${value}`)}`;
}

async function getJson(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Json; type: string }> {
  const response = await fetch(url, init);
  return {
    status: response.status,
    body: (await response.json()) as Json,
    type: response.headers.get('content-type') ?? '',
  };
}

describe('hospital-sim web service', () => {
  let sim: HospitalSim;

  beforeAll(async () => {
    sim = await startHospitalSim({ slowMs: SLOW_MS, hangMs: 10_000 });
  });
  afterAll(async () => {
    await sim.close();
  });

  describe('pdq', () => {
    it('finds Françoise by patient code with the PRODUCT.md fields, exactly', async () => {
      const { status, body } = await getJson(pdqUrl(sim, PATIENT_SYSTEM, 'MR', SIM_IDS.francoise));
      expect(status).toBe(200);
      expect(body).toEqual({
        total: 1,
        entry: [
          {
            patient_code: '100234',
            first_name: 'Françoise',
            last_name: 'Dubois-Lemaître',
            birth_date: '1983-12-25',
            sex: 'female',
            email: 'francoise.dubois@example.be',
            phone: '+32 2 555 01 23',
            mobile_phone: '+32 475 12 34 56',
            national_registry_number: '83122515252',
            preferred_language: 'fr',
            address: {
              street: "Rue de l'Église 12 | bte 3",
              city: 'Bruxelles',
              zip: '1000',
              state: null,
              country: 'BE',
            },
          },
        ],
      });
    });

    it('keeps partial birth dates and leading zeros', async () => {
      const jurgen = await getJson(pdqUrl(sim, 'AZDEMO', 'MR', SIM_IDS.jurgen));
      expect(jurgen.body.entry[0]).toMatchObject({
        first_name: 'Jürgen',
        last_name: 'Van den Broeck',
        birth_date: '1985-07',
      });
      const lucas = await getJson(pdqUrl(sim, '', 'MR', SIM_IDS.lucas));
      expect(lucas.body.entry[0]).toMatchObject({ patient_code: '000777', birth_date: '1990', phone: null });
    });

    it('lists several entries for a shared visit number and a duplicated patient code', async () => {
      const visit = await getJson(pdqUrl(sim, SIM_VISIT_SYSTEM, 'VN', SIM_IDS.sharedVisit));
      expect(visit.body.total).toBe(2);
      expect(visit.body.entry.map((e: Json) => e.first_name)).toEqual(['Sofie', 'Noor']);
      const code = await getJson(pdqUrl(sim, PATIENT_SYSTEM, 'MR', SIM_IDS.duplicateCode));
      expect(code.body.entry.map((e: Json) => e.first_name)).toEqual(['Marie', 'Marie-Thérèse']);
    });

    it('answers total 0 for not found, for another system, and for a visit number asked as a patient code', async () => {
      for (const url of [
        pdqUrl(sim, PATIENT_SYSTEM, 'MR', SIM_FAULTS.notFound),
        pdqUrl(sim, 'https://elsewhere.example/id', 'MR', SIM_IDS.francoise),
        pdqUrl(sim, PATIENT_SYSTEM, 'MR', SIM_IDS.francoiseVisit),
      ]) {
        expect((await getJson(url)).body).toEqual({ total: 0, entry: [] });
      }
    });

    it('refuses a malformed identifier parameter with 400', async () => {
      const { status, body } = await getJson(`${sim.http.baseUrl}/pdq/Patient?identifier:of-type=100234`);
      expect(status).toBe(400);
      expect(body.error).toMatch(/identifier:of-type/);
    });
  });

  describe('fhir', () => {
    it('answers a searchset Bundle of Patient resources', async () => {
      const { status, body, type } = await getJson(fhirUrl(sim, PATIENT_SYSTEM, SIM_IDS.jurgen));
      expect(status).toBe(200);
      expect(type).toMatch(/^application\/fhir\+json/);
      expect(body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
      const patient = body.entry[0].resource;
      expect(patient).toMatchObject({
        resourceType: 'Patient',
        gender: 'male',
        birthDate: '1985-07',
        name: [{ use: 'official', family: 'Van den Broeck', given: ['Jürgen', 'Maria'] }],
        address: [{ line: ['Aachener Straße 7 & 9'], city: 'Eupen', postalCode: '4700', country: 'BE' }],
        communication: [{ language: { coding: [{ code: 'de' }] }, preferred: true }],
      });
      expect(patient.identifier).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            system: PATIENT_SYSTEM,
            value: '100235',
            type: { coding: [expect.objectContaining({ code: 'MR' })] },
          }),
          expect.objectContaining({ system: SIM_VISIT_SYSTEM, value: SIM_IDS.jurgenVisit }),
          expect.objectContaining({ system: SIM_AUTHORITIES.RRN.system, value: '85070012362' }),
        ]),
      );
      expect(patient.telecom).toEqual([
        { system: 'phone', value: '+32 496 98 76 54', use: 'mobile' },
        { system: 'email', value: 'jurgen.vandenbroeck@example.be' },
      ]);
    });

    it('searches visits by the visit system, several entries for a shared visit', async () => {
      const { body } = await getJson(fhirUrl(sim, SIM_VISIT_SYSTEM, SIM_IDS.sharedVisit));
      expect(body.total).toBe(2);
      expect(body.entry.map((e: Json) => e.resource.name[0].given[0])).toEqual(['Sofie', 'Noor']);
    });

    it('answers an empty Bundle without entry when nothing matches', async () => {
      const { status, body } = await getJson(fhirUrl(sim, PATIENT_SYSTEM, 'SIM-NOTFOUND'));
      expect(status).toBe(200);
      expect(body).toMatchObject({ resourceType: 'Bundle', total: 0 });
      expect(body.entry).toBeUndefined();
      expect((await getJson(fhirUrl(sim, SIM_VISIT_SYSTEM, SIM_IDS.francoise))).body.total).toBe(0);
    });

    it('reads a Patient by the id of a search entry', async () => {
      const search = await getJson(fhirUrl(sim, PATIENT_SYSTEM, SIM_IDS.francoise));
      const read = await getJson(search.body.entry[0].fullUrl as string);
      expect(read.body).toEqual(search.body.entry[0].resource);
    });
  });

  describe.each(['pdq', 'fhir'] as const)('%s faults', (flavor) => {
    const url = (value: string): string =>
      flavor === 'pdq' ? pdqUrl(sim, PATIENT_SYSTEM, 'MR', value) : fhirUrl(sim, PATIENT_SYSTEM, value);

    it('answers SIM-ERROR with HTTP 500 and the hospital text', async () => {
      const response = await fetch(url(SIM_FAULTS.error));
      expect(response.status).toBe(500);
      expect(await response.text()).toContain(SIM_ERROR_TEXT);
    });

    it('answers SIM-GARBAGE with 200 application/json that is not JSON', async () => {
      const response = await fetch(url(SIM_FAULTS.garbage));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/json/);
      await expect(response.json()).rejects.toThrow(/JSON/);
    });

    it('never answers SIM-HANG: the client gives up at its own timeout', async () => {
      const started = Date.now();
      await expect(
        fetch(url(SIM_FAULTS.hang), { signal: AbortSignal.timeout(TIMEOUT_MS) }),
      ).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1000);
    });

    it('destroys the socket mid-body for SIM-CLOSE', async () => {
      const response = await fetch(url(SIM_FAULTS.close));
      expect(response.status).toBe(200);
      await expect(response.text()).rejects.toThrow();
    });

    it('answers SIM-SLOW correctly after slowMs', async () => {
      const started = Date.now();
      const { body } = await getJson(url(SIM_FAULTS.slow));
      expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_MS - 20);
      expect(body.total).toBe(1);
    });

    it('refuses connections on the refused port', async () => {
      const refused = url(SIM_IDS.francoise).replace(/:\d+\//, `:${sim.refusedPort}/`);
      await expect(fetch(refused)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    });
  });

  it('records every request with its headers, X-Destination included', async () => {
    const url = pdqUrl(sim, PATIENT_SYSTEM, 'MR', SIM_IDS.lucas);
    await fetch(url, { headers: { 'X-Destination': 'mirth-pdq', Authorization: 'Bearer abc' } });
    const seen = sim.httpRequests.at(-1);
    expect(seen).toMatchObject({ method: 'GET', url: url.slice(sim.http.baseUrl.length) });
    expect(seen?.headers).toMatchObject({ 'x-destination': 'mirth-pdq', authorization: 'Bearer abc' });
  });
});

describe('hospital-sim web service auth', () => {
  const cases = [
    {
      requireAuth: { type: 'basic', username: 'bridge', password: 's3cret' },
      good: { Authorization: `Basic ${Buffer.from('bridge:s3cret').toString('base64')}` },
      bad: { Authorization: 'Basic eDp5' },
    },
    {
      requireAuth: { type: 'bearer', token: 'tok-123' },
      good: { Authorization: 'Bearer tok-123' },
      bad: { Authorization: 'Bearer nope' },
    },
    {
      requireAuth: { type: 'header', header: 'X-Api-Key', value: 'k-9' },
      good: { 'x-api-key': 'k-9' },
      bad: {},
    },
  ] as const;

  it.each(cases)(
    'answers 401 without the expected $requireAuth.type credentials and 200 with them',
    async ({ requireAuth, good, bad }) => {
      const sim = await startHospitalSim({ requireAuth });
      try {
        const url = pdqUrl(sim, PATIENT_SYSTEM, 'MR', SIM_IDS.francoise);
        expect((await fetch(url, { headers: bad })).status).toBe(401);
        const ok = await getJson(url, { headers: good });
        expect(ok.status).toBe(200);
        expect(ok.body.total).toBe(1);
        expect(sim.httpRequests).toHaveLength(2);
      } finally {
        await sim.close();
      }
    },
  );
});
