import { SecretBox } from '@bridge/database';
import { migratedTestDatabase } from '@bridge/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { CareFlowsRepository } from '../care-flows/care-flows.repository';
import type { CareFlowsService } from '../care-flows/care-flows.service';
import { patientImportMigrations } from '../patient-import.module';
import { PATIENT_IMPORT_SCHEMA } from '../patient-import.schema';
import { patientImportTestOutbox } from '../patient-import-outbox.spec-helpers';
import { PatientsRepository } from './patients.repository';
import { PatientsService } from './patients.service';

/**
 * Medium test (docs/testing.md): pushes that update known patients, on PostgreSQL. Updates arriving together
 * share one read of their care flows (PatientsService batches it); each answer must still carry its own
 * patient's care flows only, in start order, whatever hospital the others in its read belong to.
 */
describe('PatientsService updates on PostgreSQL (medium)', () => {
  let database: Awaited<ReturnType<typeof migratedTestDatabase>>;
  let dataSource: DataSource;
  let service: PatientsService;

  beforeAll(async () => {
    database = await migratedTestDatabase(
      PATIENT_IMPORT_SCHEMA,
      patientImportMigrations(new SecretBox(randomBytes(32).toString('base64'))),
    );
    dataSource = database.dataSource;
    // No push here starts a care flow, so the care-flow service is never asked.
    service = new PatientsService(
      dataSource,
      new PatientsRepository(patientImportTestOutbox()),
      new CareFlowsRepository(),
      {} as CareFlowsService,
    );
  });

  afterAll(async () => {
    await database?.drop();
  });

  const push = (hospitalId: string, patientCode: string, lastName = 'Dubois') =>
    service.upsert({
      hospitalId,
      patient: { patientCode, firstName: 'Françoise', lastName },
      source: 'api',
    });

  async function startCareFlow(
    hospitalId: string,
    patientId: string,
    definitionKey: string,
    startedAt: string,
  ) {
    const id = randomUUID();
    await dataSource.query(
      `INSERT INTO patient_import.care_flows (id, hospital_id, patient_id, definition_key, status, source_kind, started_at)
       VALUES ($1, $2, $3, $4, 'active', 'api', $5)`,
      [id, hospitalId, patientId, definitionKey, startedAt],
    );
    return id;
  }

  it('answers every update of a batch with its own patient’s care flows, across hospitals', async () => {
    const [hospitalA, hospitalB] = [randomUUID(), randomUUID()];
    // The same patient code at two hospitals: two patients, each with care flows of its own.
    const codes = ['P1', 'P2', 'P3'];
    const created = await Promise.all(
      [hospitalA, hospitalB].flatMap((hospitalId) => codes.map((code) => push(hospitalId, code))),
    );
    expect(created.every((result) => result.created)).toBe(true);
    const patientOf = (hospitalId: string, code: string) =>
      created.find(
        (result) => result.patient.hospitalId === hospitalId && result.patient.patientCode === code,
      )!.patient.id;
    const flows = new Map<string, string[]>([
      // Inserted out of start order: the answer lists them by start.
      [
        `${hospitalA}/P1`,
        [
          await startCareFlow(hospitalA, patientOf(hospitalA, 'P1'), 'hip', '2026-02-01T08:00:00Z'),
          await startCareFlow(hospitalA, patientOf(hospitalA, 'P1'), 'knee', '2026-01-01T08:00:00Z'),
        ].reverse(),
      ],
      [`${hospitalA}/P2`, []],
      [
        `${hospitalA}/P3`,
        [await startCareFlow(hospitalA, patientOf(hospitalA, 'P3'), 'knee', '2026-03-01T08:00:00Z')],
      ],
      [
        `${hospitalB}/P1`,
        [await startCareFlow(hospitalB, patientOf(hospitalB, 'P1'), 'knee', '2026-01-01T08:00:00Z')],
      ],
      [
        `${hospitalB}/P2`,
        [await startCareFlow(hospitalB, patientOf(hospitalB, 'P2'), 'hip', '2026-01-05T08:00:00Z')],
      ],
      [`${hospitalB}/P3`, []],
    ]);

    // Thirty updates in one turn: more than the statements allowed in flight, so reads are shared.
    const pushes = Array.from({ length: 30 }, (_, index) => ({
      hospitalId: index % 2 ? hospitalA : hospitalB,
      code: codes[index % 3],
      lastName: `Update ${index}`,
    }));
    const answers = await Promise.all(
      pushes.map(({ hospitalId, code, lastName }) => push(hospitalId, code, lastName)),
    );

    answers.forEach((answer, index) => {
      const { hospitalId, code } = pushes[index];
      expect(answer.created).toBe(false);
      expect(answer.patient.id).toBe(patientOf(hospitalId, code));
      expect(answer.patient.careFlows.map((careFlow) => careFlow.id)).toEqual(
        flows.get(`${hospitalId}/${code}`),
      );
      for (const careFlow of answer.patient.careFlows) expect(careFlow.patientId).toBe(answer.patient.id);
    });
    // The answer's care flows read as a single patient's read does (same shape, same timestamps).
    const [first] = answers;
    expect(await service.get(pushes[0].hospitalId, first.patient.id)).toMatchObject({
      careFlows: first.patient.careFlows,
    });
  });
});
