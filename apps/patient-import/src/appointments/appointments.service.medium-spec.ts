import {
  DomainError,
  type AppointmentMessageAppliedV1,
  type AppointmentMessageResultV2,
  type AppointmentMessageV2,
} from '@bridge/contracts';
import { SecretBox } from '@bridge/database';
import { migratedTestDatabase } from '@bridge/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import type { CareFlowDefinitionsService } from '../care-flow-definitions/care-flow-definitions.service';
import { patientImportMigrations } from '../patient-import.module';
import { PATIENT_IMPORT_SCHEMA } from '../patient-import.schema';
import { patientImportTestOutbox } from '../patient-import-outbox.spec-helpers';
import { AppliedMessagesRepository } from './applied-messages.repository';
import { AppointmentsRepository } from './appointments.repository';
import { SiuCareFlowsRepository } from './siu-care-flows.repository';
import { SiuPatientsRepository } from './siu-patients.repository';
import { AppointmentsService } from './appointments.service';

/**
 * Medium test (docs/testing.md): applying SIU messages with the real repositories on PostgreSQL
 * (patient-import's own migrations). What it holds: a message is applied once in effect — a redelivery, or
 * the same message applied by two transactions at once, answers the first result — and an appointment is
 * its messages and the one care flow it started, even when two transactions act on it at once; a copy of an
 * applied message (its rule-27 key held) changes nothing, and a copy waits for a first being applied; a later
 * message with less detail keeps what an earlier one stored (the merge rule the push shares).
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
    const outbox = patientImportTestOutbox();
    // Every definition exists but `retired`: the definition check is not what this test is about.
    const definitions = {
      get: async (_hospitalId: string, key: string) => {
        if (key === 'retired') throw new DomainError('CARE_FLOW_DEFINITION_NOT_FOUND', 'No such definition.');
        return {};
      },
    } as unknown as CareFlowDefinitionsService;
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
  ): AppointmentMessageV2 {
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

  /** A copy of a message: another message id, the same content and rule-27 key. */
  function copyOf(original: AppointmentMessageV2): AppointmentMessageV2 {
    sequence += 1;
    return { ...original, messageId: randomUUID(), sequence };
  }

  /** The result of a message that was applied (not a failure, not a duplicate). */
  function appliedResult(result: AppointmentMessageResultV2): AppointmentMessageAppliedV1 {
    if (!result.ok || 'duplicateOf' in result) throw new Error(`not applied: ${JSON.stringify(result)}`);
    return result;
  }

  /**
   * Runs `apply` while another batch's transaction holds these locks and has written with `write`; once
   * `apply` waits on a held lock, the other batch commits or rolls back, and `apply`'s answer is returned.
   */
  async function whileAnotherBatchHolds<T>(
    hospitalId: string,
    held: { appointmentIds?: string[]; duplicateKeys?: string[] },
    write: (holder: QueryRunner) => Promise<void>,
    apply: () => Promise<T>,
    end: 'commit' | 'rollback',
  ): Promise<T> {
    const holder = dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await new AppointmentsRepository().lockBatch(holder.manager, hospitalId, {
        appointmentIds: held.appointmentIds ?? [],
        duplicateKeys: held.duplicateKeys ?? [],
      });
      await write(holder);
      const applying = apply();
      // Bounded wait until the apply is queued behind the held lock.
      const deadline = Date.now() + 5000;
      for (;;) {
        const [{ waiting }] = (await dataSource.query(
          `SELECT count(*)::int AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
        )) as { waiting: number }[];
        if (waiting > 0) break;
        if (Date.now() > deadline) throw new Error('the apply never waited for the held lock');
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (end === 'commit') await holder.commitTransaction();
      else await holder.rollbackTransaction();
      return await applying;
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
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
    const careFlowId = appliedResult(first).careFlowId;
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
        care_flow_id: appliedResult(second).careFlowId,
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
    const patientId = appliedResult(started).patientId;
    const earlier = message('P1', 'A1', 'update');
    const later = message('P1', 'A1', 'update');

    // Another batch holds A1 and records `earlier` (with a room) in its history, not yet committed.
    const [result] = await whileAnotherBatchHolds(
      hospitalId,
      { appointmentIds: ['A1'] },
      (holder) =>
        holder.query(
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
        ),
      () => service.apply(hospitalId, [later]),
      'commit',
    );
    expect(result).toMatchObject({ ok: true, careFlowUpdated: true });
    // The care flow has the room of the message committed while the apply waited, and the later date.
    const [flow] = (await stored(hospitalId)).appointments;
    expect(flow.baseline).toEqual({ ...later.appointment!.baseline, room: 'R2' });
  });

  it('a copy of an applied message is a duplicate that changes nothing, in the same batch or a later one (rule 27)', async () => {
    const hospitalId = randomUUID();
    const start = { ...message('P1', 'A1'), duplicateKey: 'key-1' };
    const sameBatch = copyOf(start);
    const [first, copy] = await service.apply(hospitalId, [start, sameBatch]);
    expect(appliedResult(first)).toMatchObject({ careFlowStarted: true, replayed: false });
    expect(copy).toEqual({ messageId: sameBatch.messageId, ok: true, duplicateOf: start.messageId });

    // A later copy, its patient renamed: nothing of it is applied.
    const later = copyOf(start);
    later.patient = { ...later.patient, firstName: 'Elisabeth' };
    expect(await service.apply(hospitalId, [later])).toEqual([
      { messageId: later.messageId, ok: true, duplicateOf: start.messageId },
    ]);
    // Asked again, a duplicate answers the same; the first answers its first result.
    expect(await service.apply(hospitalId, [later, start])).toEqual([
      { messageId: later.messageId, ok: true, duplicateOf: start.messageId },
      { ...first, replayed: true },
    ]);
    expect(await stored(hospitalId)).toMatchObject({ patients: 1, careFlows: 1, applied: 1 });
    const [patient] = (await dataSource.query(
      `SELECT first_name FROM patient_import.patients WHERE hospital_id = $1`,
      [hospitalId],
    )) as { first_name: string }[];
    expect(patient.first_name).toBe('Els');
    // Keys are per hospital: the same key elsewhere is another message.
    expect(appliedResult((await service.apply(randomUUID(), [copyOf(start)]))[0]).replayed).toBe(false);
  });

  it('a message without a key is never a duplicate', async () => {
    const hospitalId = randomUUID();
    const start = message('P1', 'A1');
    const [first, second] = await service.apply(hospitalId, [start, copyOf(start)]);
    expect([appliedResult(first).careFlowStarted, appliedResult(second).careFlowStarted]).toEqual([
      true,
      false,
    ]);
    expect((await stored(hospitalId)).applied).toBe(2);
  });

  it('a copy waits for its first being applied by another batch: a duplicate once it commits', async () => {
    const hospitalId = randomUUID();
    const [started] = await service.apply(hospitalId, [message('P0', 'A0')]);
    const first = { ...message('P1', 'A1'), duplicateKey: 'key-1' };
    const copy = copyOf(first);
    const [result] = await whileAnotherBatchHolds(
      hospitalId,
      { duplicateKeys: ['key-1'] },
      (holder) =>
        holder.query(
          `INSERT INTO patient_import.patient_events (hospital_id, patient_id, kind, message_id, summary, result, duplicate_key)
           VALUES ($1, $2, 'siu', $3, 'SIU S12: patient created', '{}', 'key-1')`,
          [hospitalId, appliedResult(started).patientId, first.messageId],
        ),
      () => service.apply(hospitalId, [copy]),
      'commit',
    );
    expect(result).toEqual({ messageId: copy.messageId, ok: true, duplicateOf: first.messageId });
  });

  it('a copy whose first is rolled back while it waits, or whose first failed, is applied in its place', async () => {
    const hospitalId = randomUUID();
    const first = { ...message('P1', 'A1'), duplicateKey: 'key-1' };
    const [afterRollback] = await whileAnotherBatchHolds(
      hospitalId,
      { duplicateKeys: ['key-1'] },
      async () => {},
      () => service.apply(hospitalId, [copyOf(first)]),
      'rollback',
    );
    expect(appliedResult(afterRollback)).toMatchObject({ careFlowStarted: true });

    // A first that cannot be applied (its care-flow definition is gone) leaves its key free for its copy.
    const refused = { ...message('P2', 'A2'), duplicateKey: 'key-2' };
    refused.appointment!.careFlowDefinitionKey = 'retired';
    const [failed] = await service.apply(hospitalId, [refused]);
    expect(failed).toMatchObject({ ok: false, error: { code: 'CARE_FLOW_DEFINITION_NOT_FOUND' } });
    const resent = {
      ...copyOf(refused),
      appointment: { ...refused.appointment!, careFlowDefinitionKey: 'knee' },
    };
    expect(appliedResult((await service.apply(hospitalId, [resent]))[0])).toMatchObject({
      careFlowStarted: true,
    });
    expect(await stored(hospitalId)).toMatchObject({ careFlows: 2, applied: 2 });
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
