import type { AppointmentMessageV1 } from '@bridge/contracts';
import { SecretBox } from '@bridge/database';
import { Outbox } from '@bridge/messaging';
import { migratedTestDatabase } from '@bridge/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { CareFlowDefinitionsService } from '../care-flow-definitions/care-flow-definitions.service';
import { patientImportMigrations } from '../patient-import.module';
import { PATIENT_IMPORT_SCHEMA } from '../patient-import.schema';
import { AppliedMessagesRepository } from './applied-messages.repository';
import { AppointmentsRepository } from './appointments.repository';
import { SiuCareFlowsRepository } from './siu-care-flows.repository';
import { SiuPatientsRepository } from './siu-patients.repository';
import { AppointmentsService } from './appointments.service';

/**
 * Medium test (docs/testing.md): applying SIU messages with the real repositories on PostgreSQL
 * (patient-import's own migrations). What it holds: a message is applied once in effect — a redelivery, or
 * the same message applied by two transactions at once, answers the first result — and an appointment is
 * its messages and the one care flow it started, even when two transactions act on it at once; a later message
 * with less detail keeps what an earlier one stored (the merge rule the push shares).
 */
describe('AppointmentsService with its repositories on PostgreSQL (medium)', () => {
  let database: Awaited<ReturnType<typeof migratedTestDatabase>>;
  let dataSource: DataSource;
  let service: AppointmentsService;

  beforeAll(async () => {
    database = await migratedTestDatabase(
      PATIENT_IMPORT_SCHEMA,
      patientImportMigrations(new SecretBox(randomBytes(32).toString('base64'))),
    );
    dataSource = database.dataSource;
    const outbox = new Outbox({
      service: 'patient-import',
      schema: PATIENT_IMPORT_SCHEMA,
      rpcTimeoutMs: 1000,
      outboxPollMs: 1000,
    });
    // Every definition exists: the definition check is not what this test is about.
    const definitions = { get: async () => ({}) } as unknown as CareFlowDefinitionsService;
    service = new AppointmentsService(
      dataSource,
      new SiuPatientsRepository(outbox),
      new AppointmentsRepository(),
      new SiuCareFlowsRepository(outbox),
      new AppliedMessagesRepository(),
      definitions,
    );
  });

  afterAll(async () => {
    await database?.drop();
  });

  let sequence = 0;
  function message(
    patientCode: string,
    appointmentId: string,
    action: 'start' | 'update' | 'stop' = 'start',
  ): AppointmentMessageV1 {
    sequence += 1;
    return {
      messageId: randomUUID(),
      sequence,
      channel: 'siu-file',
      patient: { patientCode, firstName: 'Els', lastName: 'Peeters' },
      appointment: {
        appointmentId,
        event: action === 'start' ? 'S12' : action === 'update' ? 'S14' : 'S15',
        action,
        careFlowDefinitionKey: 'knee-replacement',
        baseline: { appointmentDate: `2026-04-${10 + sequence}T09:30` },
      },
    };
  }

  /** What the hospital holds: patients, care flows, and each appointment that started one (the care flow names it). */
  async function stored(hospitalId: string) {
    const count = async (table: string) =>
      Number(
        (
          (await dataSource.query(
            `SELECT count(*) AS n FROM patient_import.${table} WHERE hospital_id = $1`,
            [hospitalId],
          )) as { n: string }[]
        )[0].n,
      );
    const appointments = (await dataSource.query(
      `SELECT appointment_id, id AS care_flow_id, status, baseline FROM patient_import.care_flows
       WHERE hospital_id = $1 AND appointment_id IS NOT NULL ORDER BY appointment_id`,
      [hospitalId],
    )) as { appointment_id: string; care_flow_id: string; status: string; baseline: object }[];
    return {
      patients: await count('patients'),
      careFlows: await count('care_flows'),
      applied: Number(
        (
          (await dataSource.query(
            `SELECT count(*) AS n FROM patient_import.patient_events WHERE hospital_id = $1 AND result IS NOT NULL`,
            [hospitalId],
          )) as { n: string }[]
        )[0].n,
      ),
      appointments,
    };
  }

  it('starts the care flow of a new appointment, naming it, and answers a redelivery with the first result', async () => {
    const hospitalId = randomUUID();
    const start = message('P1', 'A1');
    const [first] = await service.apply(hospitalId, [start]);
    expect(first).toMatchObject({ ok: true, patientCreated: true, careFlowStarted: true, replayed: false });
    const careFlowId = first.ok ? first.careFlowId : undefined;
    expect(await stored(hospitalId)).toEqual({
      patients: 1,
      careFlows: 1,
      applied: 1,
      appointments: [
        {
          appointment_id: 'A1',
          care_flow_id: careFlowId,
          status: 'active',
          baseline: start.appointment!.baseline,
        },
      ],
    });

    const [again] = await service.apply(hospitalId, [start]);
    expect(again).toEqual({ ...first, replayed: true });
    expect((await stored(hospitalId)).careFlows).toBe(1);
  });

  it('the same messages applied by two transactions at once take effect once; both answer the same result', async () => {
    const hospitalId = randomUUID();
    const batch = [message('P1', 'A1'), message('P2', 'A2')];
    const [one, other] = await Promise.all([
      service.apply(hospitalId, batch),
      service.apply(hospitalId, batch),
    ]);
    expect(one.map((result) => result.ok)).toEqual([true, true]);
    expect(other.map(({ replayed: _, ...result }: any) => result)).toEqual(
      one.map(({ replayed: _, ...result }: any) => result),
    );
    expect([...one, ...other].filter((result: any) => result.replayed)).toHaveLength(2);
    const after = await stored(hospitalId);
    expect(after).toMatchObject({ patients: 2, careFlows: 2, applied: 2 });
    expect(after.appointments.map((a) => a.care_flow_id)).toEqual(
      one.map((result: any) => result.careFlowId),
    );
  });

  it('two messages of one new appointment applied at once by two transactions start one care flow', async () => {
    const hospitalId = randomUUID();
    const start = message('P1', 'A1');
    const update = message('P1', 'A1', 'update');
    await Promise.all([service.apply(hospitalId, [start]), service.apply(hospitalId, [update])]);
    const after = await stored(hospitalId);
    expect(after).toMatchObject({ patients: 1, careFlows: 1, applied: 2 });
    // Whichever committed first, the care flow ends as rule 19 orders them: started, then updated.
    expect(after.appointments).toEqual([
      {
        appointment_id: 'A1',
        care_flow_id: expect.any(String),
        status: 'active',
        baseline: update.appointment!.baseline,
      },
    ]);
  });

  it('an appointment that started no care flow starts it with a later mapped message, naming it', async () => {
    const hospitalId = randomUUID();
    const unmapped = message('P1', 'A1');
    delete unmapped.appointment!.careFlowDefinitionKey;
    const [first] = await service.apply(hospitalId, [unmapped]);
    expect(first).toMatchObject({ ok: true, careFlowStarted: false });
    expect(await stored(hospitalId)).toMatchObject({ careFlows: 0, applied: 1, appointments: [] });

    const mapped = message('P1', 'A1', 'update');
    const [second] = await service.apply(hospitalId, [mapped]);
    expect(second).toMatchObject({ ok: true, careFlowStarted: true });
    const after = await stored(hospitalId);
    expect(after).toMatchObject({ careFlows: 1, applied: 2 });
    expect(after.appointments).toEqual([
      {
        appointment_id: 'A1',
        care_flow_id: second.ok ? second.careFlowId : undefined,
        status: 'active',
        baseline: mapped.appointment!.baseline,
      },
    ]);
    // Its next message finds that care flow: updated, not a second one started.
    const [third] = await service.apply(hospitalId, [message('P1', 'A1', 'update')]);
    expect(third).toMatchObject({ ok: true, careFlowStarted: false, careFlowUpdated: true });
    expect((await stored(hospitalId)).careFlows).toBe(1);
  });

  it('a batch on an appointment another transaction holds waits for it, then replays what it committed', async () => {
    const hospitalId = randomUUID();
    const [started] = await service.apply(hospitalId, [message('P1', 'A1')]);
    const patientId = started.ok ? started.patientId : '';
    const earlier = message('P1', 'A1', 'update');
    const later = message('P1', 'A1', 'update');

    // Another batch holds A1 and records `earlier` (with a room) in its history, not yet committed.
    const holder = dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await new AppointmentsRepository().lockAppointments(holder.manager, hospitalId, ['A1']);
      await holder.query(
        `INSERT INTO patient_import.patient_events (hospital_id, patient_id, kind, message_id, summary, result,
           appointment_id, sequence, event, action, definition_key, baseline)
         VALUES ($1, $4, 'siu', $2, 'SIU S14: patient updated', '{}', 'A1', $3, 'S14', 'update', 'knee-replacement', $5)`,
        [
          hospitalId,
          earlier.messageId,
          earlier.sequence,
          patientId,
          JSON.stringify({ ...earlier.appointment!.baseline, room: 'R2' }),
        ],
      );
      const applying = service.apply(hospitalId, [later]);
      // Bounded wait until the apply is queued behind the held lock.
      const deadline = Date.now() + 5000;
      for (;;) {
        const [{ waiting }] = (await dataSource.query(
          `SELECT count(*)::int AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
        )) as { waiting: number }[];
        if (waiting > 0) break;
        if (Date.now() > deadline) throw new Error('the apply never waited for the held appointment');
        await new Promise((resolve) => setImmediate(resolve));
      }
      await holder.commitTransaction();
      const [result] = await applying;
      expect(result).toMatchObject({ ok: true, careFlowUpdated: true });
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
    // The care flow has the room of the message committed while the apply waited, and the later date.
    const [flow] = (await stored(hospitalId)).appointments;
    expect(flow.baseline).toEqual({ ...later.appointment!.baseline, room: 'R2' });
  });

  it('a later message without sex, identifiers or birth date keeps the ones stored; names follow it', async () => {
    const hospitalId = randomUUID();
    const first = message('P1', 'A1');
    first.patient = {
      ...first.patient,
      sex: 'female',
      birthDate: '1961-02-03',
      identifiers: [{ system: 'urn:oid:2.16.840.1.113883.2.4.6.3', value: '61020312345' }],
    };
    const later = message('P1', 'A1', 'update');
    later.patient = { patientCode: 'P1', firstName: 'Elisabeth', lastName: 'Peeters' };
    await service.apply(hospitalId, [first]);
    await service.apply(hospitalId, [later]);
    const [patient] = (await dataSource.query(
      `SELECT first_name, sex, birth_date, identifiers FROM patient_import.patients WHERE hospital_id = $1`,
      [hospitalId],
    )) as object[];
    expect(patient).toEqual({
      first_name: 'Elisabeth',
      sex: 'female',
      birth_date: '1961-02-03',
      identifiers: [{ system: 'urn:oid:2.16.840.1.113883.2.4.6.3', value: '61020312345' }],
    });
  });
});
