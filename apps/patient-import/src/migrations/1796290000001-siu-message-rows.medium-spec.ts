import { SecretBox } from '@bridge/database';
import { createTestDatabase, openMigrated } from '@bridge/testing';
import type { AppointmentMessageV1 } from '@bridge/contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppliedMessagesRepository } from '../appointments/applied-messages.repository';
import { AppointmentsRepository } from '../appointments/appointments.repository';
import { AppointmentsService } from '../appointments/appointments.service';
import { SiuCareFlowsRepository } from '../appointments/siu-care-flows.repository';
import { SiuPatientsRepository } from '../appointments/siu-patients.repository';
import type { CareFlowDefinitionsService } from '../care-flow-definitions/care-flow-definitions.service';
import { patientImportMigrations } from '../patient-import.module';
import { PATIENT_IMPORT_SCHEMA } from '../patient-import.schema';
import { patientImportTestOutbox } from '../patient-import-outbox.spec-helpers';
import { SiuMessageRows1796290000001 } from './1796290000001-siu-message-rows';

/**
 * Medium test (docs/testing.md): SIU messages applied before their claims and histories moved onto their
 * trace rows are still applied once (a redelivery answers the first result) and still make their
 * appointments' histories; a message whose trace row retention had pruned gets one back; `down` restores
 * the two tables.
 */
describe('SiuMessageRows migration (medium)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource | undefined;

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('moves claims and histories onto trace rows; the service reads them; down restores the tables', async () => {
    database = await createTestDatabase();
    const all = patientImportMigrations(new SecretBox(randomBytes(32).toString('base64')));
    const position = all.indexOf(SiuMessageRows1796290000001);
    expect(position).toBeGreaterThan(0);
    const before = all.slice(0, position);
    const old = await openMigrated(database.url, PATIENT_IMPORT_SCHEMA, before);
    const hospitalId = randomUUID();
    const patientId = randomUUID();
    await old.query(
      `INSERT INTO patient_import.patients (id, hospital_id, patient_code, first_name, last_name, source)
       VALUES ($1, $2, 'P1', 'Els', 'Peeters', 'siu')`,
      [patientId, hospitalId],
    );
    const careFlowId = randomUUID();
    await old.query(
      `INSERT INTO patient_import.care_flows (id, hospital_id, patient_id, definition_key, status, source_kind,
         appointment_id, baseline)
       VALUES ($1, $2, $3, 'knee-replacement', 'active', 'siu', 'A1', '{"appointmentDate": "2026-04-11T09:30"}')`,
      [careFlowId, hospitalId, patientId],
    );
    const result = (messageId: string, started: boolean) =>
      JSON.stringify({
        messageId,
        ok: true,
        patientId,
        patientCreated: started,
        careFlowId,
        careFlowStarted: started,
        careFlowUpdated: !started,
        careFlowStopped: false,
        replayed: false,
      });
    // Three messages of A1: the start applied before results moved (its result in applied_siu_messages), an
    // update with its result on its history row and its trace row pruned, and one acting on no appointment.
    const [start, update, other] = [randomUUID(), randomUUID(), randomUUID()];
    await old.query(
      `INSERT INTO patient_import.appointment_messages (hospital_id, message_id, appointment_id, sequence, event,
         action, definition_key, patient_id, baseline, result)
       VALUES ($1, $2, 'A1', 1, 'S12', 'start', 'knee-replacement', $3, '{"appointmentDate": "2026-04-10T09:30"}', NULL),
              ($1, $4, 'A1', 2, 'S14', 'update', 'knee-replacement', $3, '{"appointmentDate": "2026-04-11T09:30"}', $5)`,
      [hospitalId, start, patientId, update, result(update, false)],
    );
    await old.query(
      `INSERT INTO patient_import.applied_siu_messages (hospital_id, message_id, result) VALUES ($1, $2, $3), ($1, $4, $5)`,
      [hospitalId, start, result(start, true), other, result(other, false)],
    );
    for (const [messageId, summary] of [
      [start, 'SIU S12: patient created'],
      [other, 'SIU S15: patient updated'],
    ] as const) {
      await old.query(
        `INSERT INTO patient_import.patient_events (hospital_id, patient_id, kind, channel, message_id, summary)
         VALUES ($1, $2, 'siu', 'siu-file', $3, $4)`,
        [hospitalId, patientId, messageId, summary],
      );
    }
    await old.destroy();

    dataSource = await openMigrated(database.url, PATIENT_IMPORT_SCHEMA, all);
    const rows = await dataSource.query(
      `SELECT message_id, kind, channel, summary, more_entries, appointment_id, sequence, result ->> 'ok' AS ok
       FROM patient_import.patient_events WHERE hospital_id = $1 ORDER BY sequence NULLS LAST`,
      [hospitalId],
    );
    expect(rows).toEqual([
      {
        message_id: start,
        kind: 'siu',
        channel: 'siu-file',
        summary: 'SIU S12: patient created',
        more_entries: null,
        appointment_id: 'A1',
        sequence: '1',
        ok: 'true',
      },
      {
        message_id: update,
        kind: 'siu',
        channel: null,
        summary: 'SIU S14: patient updated',
        more_entries: [{ kind: 'careflow.updated', summary: 'Care flow updated by SIU S14' }],
        appointment_id: 'A1',
        sequence: '2',
        ok: 'true',
      },
      {
        message_id: other,
        kind: 'siu',
        channel: 'siu-file',
        summary: 'SIU S15: patient updated',
        more_entries: null,
        appointment_id: null,
        sequence: null,
        ok: 'true',
      },
    ]);

    // The service: a redelivered old message answers its first result; a new message replays the history.
    const outbox = patientImportTestOutbox();
    const service = new AppointmentsService(
      dataSource,
      new SiuPatientsRepository(outbox),
      new AppointmentsRepository(),
      new SiuCareFlowsRepository(outbox),
      new AppliedMessagesRepository(),
      { get: async () => ({}) } as unknown as CareFlowDefinitionsService,
    );
    const message = (
      messageId: string,
      sequence: number,
      event: string,
      date: string,
    ): AppointmentMessageV1 => ({
      messageId,
      sequence,
      channel: 'siu-file',
      patient: { patientCode: 'P1', firstName: 'Els', lastName: 'Peeters' },
      appointment: {
        appointmentId: 'A1',
        event,
        action: event === 'S12' ? 'start' : 'update',
        careFlowDefinitionKey: 'knee-replacement',
        baseline: { appointmentDate: date },
      },
    });
    const [again] = await service.apply(hospitalId, [message(start, 1, 'S12', '2026-04-10T09:30')]);
    expect(again).toMatchObject({ ok: true, careFlowStarted: true, replayed: true });
    const [late] = await service.apply(hospitalId, [message(randomUUID(), 3, 'S14', '2026-04-12T09:30')]);
    expect(late).toMatchObject({ ok: true, careFlowId, careFlowStarted: false, careFlowUpdated: true });

    const runner = dataSource.createQueryRunner();
    try {
      // The migrations after it first, latest first, as TypeORM reverts them.
      for (const Later of all.slice(position + 1).reverse()) await new Later().down(runner);
      await new SiuMessageRows1796290000001().down(runner);
    } finally {
      await runner.release();
    }
    expect(
      await dataSource.query(
        `SELECT sequence, result ->> 'ok' AS ok FROM patient_import.appointment_messages WHERE hospital_id = $1
         ORDER BY sequence`,
        [hospitalId],
      ),
    ).toEqual([
      { sequence: '1', ok: 'true' },
      { sequence: '2', ok: 'true' },
      { sequence: '3', ok: 'true' },
    ]);
    expect(
      await dataSource.query(
        `SELECT message_id FROM patient_import.applied_siu_messages WHERE hospital_id = $1`,
        [hospitalId],
      ),
    ).toEqual([{ message_id: other }]);
  });
});
