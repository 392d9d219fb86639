import { SecretBox } from '@bridge/database';
import { createTestDatabase, openMigrated } from '@bridge/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { patientImportMigrations } from '../patient-import.module';
import { PATIENT_IMPORT_SCHEMA } from '../patient-import.schema';
import { AppointmentsWithoutRows1796290000000 } from './1796290000000-appointments-without-rows';

/**
 * Medium test (docs/testing.md): appointments stored as rows before they became their messages and the care
 * flow naming them keep their care flow (one linked only from its row is given the appointment's id), and the
 * migration's `down` rebuilds the rows from what they copied.
 */
describe('AppointmentsWithoutRows migration (medium)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource | undefined;

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('keeps each appointment care flow, and down rebuilds the rows', async () => {
    database = await createTestDatabase();
    const all = patientImportMigrations(new SecretBox(randomBytes(32).toString('base64')));
    // Up to this migration (the later ones are another test's).
    const before = all.slice(0, all.indexOf(AppointmentsWithoutRows1796290000000));
    const upToThis = all.slice(0, before.length + 1);
    const old = await openMigrated(database.url, PATIENT_IMPORT_SCHEMA, before);
    const hospitalId = randomUUID();
    const patientId = randomUUID();
    await old.query(
      `INSERT INTO patient_import.patients (id, hospital_id, patient_code, first_name, last_name, source)
       VALUES ($1, $2, 'P1', 'Els', 'Peeters', 'siu')`,
      [patientId, hospitalId],
    );
    // A1: the usual, its care flow naming it. A2: a care flow linked only from the appointment row. A3: no care flow.
    const [named, linkedOnly] = [randomUUID(), randomUUID()];
    for (const [id, appointmentId] of [
      [named, 'A1'],
      [linkedOnly, null],
    ] as const) {
      await old.query(
        `INSERT INTO patient_import.care_flows (id, hospital_id, patient_id, definition_key, status, source_kind, appointment_id)
         VALUES ($1, $2, $3, 'knee-replacement', 'active', 'siu', $4)`,
        [id, hospitalId, patientId, appointmentId],
      );
    }
    for (const [appointmentId, careFlowId, sequence] of [
      ['A1', named, 1],
      ['A2', linkedOnly, 2],
      ['A3', null, 3],
    ] as const) {
      await old.query(
        `INSERT INTO patient_import.appointments (id, hospital_id, appointment_id, patient_id, care_flow_id)
         VALUES (gen_random_uuid(), $1, $2, $3, $4)`,
        [hospitalId, appointmentId, patientId, careFlowId],
      );
      await old.query(
        `INSERT INTO patient_import.appointment_messages (hospital_id, message_id, appointment_id, sequence, event,
           action, patient_id, baseline)
         VALUES ($1, gen_random_uuid(), $2, $3, 'S12', 'start', $4, '{}')`,
        [hospitalId, appointmentId, sequence, patientId],
      );
    }
    await old.destroy();

    dataSource = await openMigrated(database.url, PATIENT_IMPORT_SCHEMA, upToThis);
    const careFlows = () =>
      dataSource!.query(
        `SELECT appointment_id, id FROM patient_import.care_flows WHERE hospital_id = $1 ORDER BY appointment_id`,
        [hospitalId],
      );
    expect(await careFlows()).toEqual([
      { appointment_id: 'A1', id: named },
      { appointment_id: 'A2', id: linkedOnly },
    ]);
    expect(await dataSource.query(`SELECT to_regclass('patient_import.appointments') AS t`)).toEqual([
      { t: null },
    ]);

    const runner = dataSource.createQueryRunner();
    try {
      await new AppointmentsWithoutRows1796290000000().down(runner);
    } finally {
      await runner.release();
    }
    expect(
      await dataSource.query(
        `SELECT appointment_id, patient_id, care_flow_id FROM patient_import.appointments
         WHERE hospital_id = $1 ORDER BY appointment_id`,
        [hospitalId],
      ),
    ).toEqual([
      { appointment_id: 'A1', patient_id: patientId, care_flow_id: named },
      { appointment_id: 'A2', patient_id: patientId, care_flow_id: linkedOnly },
      { appointment_id: 'A3', patient_id: patientId, care_flow_id: null },
    ]);
  });
});
