import { Injectable } from '@nestjs/common';
import {
  DomainError,
  PATIENTS_PAGE_DEFAULT_LIMIT,
  type CareFlowViewV1,
  type KeysetPositionV1,
  type ListPatientsResultV1,
  type PatientInputV1,
  type PatientSearchV1,
  type PatientViewV1,
  type SearchPatientsResultV1,
  type UpsertPatientResultV1,
} from '@bridge/contracts';
import { IdempotencyKeys, StatementBatcher } from '@bridge/database';
import { eventContext } from '@bridge/messaging';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { CareFlowsRepository } from '../care-flows/care-flows.repository';
import { CareFlowsService } from '../care-flows/care-flows.service';
import { PATIENT_IMPORT_SCHEMA } from '../patient-import.schema';
import {
  patientKey,
  PatientsRepository,
  type PatientRecord,
  type PatientUpsert,
  type UpsertedPatient,
  type UpsertTrace,
} from './patients.repository';

const SEARCH_LIMIT = 50;
/**
 * Upserts outside a transaction share statements when they arrive together (StatementBatcher): at most this
 * many statements at once, of at most UPSERT_BATCH patients each. Well under the pool (10 by default), so
 * reads and the other work of the service still find a connection.
 */
const UPSERT_STATEMENTS_IN_FLIGHT = 4;
const UPSERT_BATCH = 50;

export interface UpsertCommand {
  hospitalId: string;
  patient: PatientInputV1;
  source: 'api' | 'import' | 'siu';
  idempotencyKey?: string;
  /** An import's channel and journal entry, named in the patient's trace. */
  trace?: UpsertTrace;
  /**
   * Steps that must commit or roll back with the upsert: `before` runs first in its transaction (it may lock
   * rows and refuse by throwing), `after` last with the result. Pull-import confirm uses them so a session's
   * confirmation and its patient are one atomic step.
   */
  transactionSteps?: {
    before?(manager: EntityManager): Promise<void>;
    after?(manager: EntityManager, result: UpsertPatientResultV1): Promise<void>;
  };
}

@Injectable()
export class PatientsService {
  private readonly idempotency = new IdempotencyKeys(PATIENT_IMPORT_SCHEMA);
  private readonly upserts = new StatementBatcher<PatientUpsert, UpsertedPatient>({
    run: (upserts) => this.patients.upsertMany(this.dataSource.manager, upserts),
    keyOf: (upsert) => patientKey(upsert.hospitalId, upsert.patient.patientCode),
    maxInFlight: UPSERT_STATEMENTS_IN_FLIGHT,
    maxBatch: UPSERT_BATCH,
  });
  /**
   * The care flows an updated patient answers with, read for the pushes that updated patients together in
   * one statement: with a read per update, an EMR re-sending known patients cost 1.2-1.6 times the CPU per
   * push of new ones (issue 17).
   */
  private readonly careFlowReads = new StatementBatcher<PatientRecord, CareFlowViewV1[]>({
    run: (records) =>
      this.careFlows.listForEachPatient(
        this.dataSource.manager,
        records.map((record) => ({ hospitalId: record.hospitalId, patientId: record.id })),
      ),
    keyOf: (record) => record.id,
    maxInFlight: UPSERT_STATEMENTS_IN_FLIGHT,
    maxBatch: UPSERT_BATCH,
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly patients: PatientsRepository,
    private readonly careFlows: CareFlowsRepository,
    private readonly careFlowsService: CareFlowsService,
  ) {}

  /**
   * Creates or updates the patient by patientCode and optionally starts a care flow, atomically with the
   * outbox event: either all of it is stored, or none of it.
   */
  async upsert(command: UpsertCommand): Promise<UpsertPatientResultV1> {
    const { hospitalId, patient } = command;
    const prepared = patient.careFlow
      ? await this.careFlowsService.prepare(hospitalId, patient.careFlow)
      : undefined;
    const scope = command.idempotencyKey && {
      hospitalId,
      key: command.idempotencyKey,
      operation: 'patients.upsert',
      request: patient,
    };
    // The patient and its event are one statement; a transaction is needed only to add more to it.
    const inTransaction = prepared || scope || command.transactionSteps;
    const run = <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> =>
      inTransaction ? this.dataSource.transaction(work) : work(this.dataSource.manager);
    return run(async (manager) => {
      await command.transactionSteps?.before?.(manager);
      if (scope) {
        const replayed = await this.idempotency.claim<UpsertPatientResultV1>(manager, scope);
        if (replayed) return replayed;
      }
      const upsert: PatientUpsert = {
        hospitalId,
        id: randomUUID(),
        patient,
        source: command.source,
        trace: command.trace,
        context: eventContext(),
      };
      // Alone, the patient and its event are one statement, which pushes arriving together share.
      const { record, created } = inTransaction
        ? (await this.patients.upsertMany(manager, [upsert]))[0]
        : await this.upserts.submit(upsert);
      const started = prepared
        ? await this.careFlowsService.insertPrepared(
            manager,
            { hospitalId, patientId: record.id, source: { kind: command.source } },
            prepared,
          )
        : undefined;
      // A patient created just now has no care flows but the one started here: no need to read them back.
      const patientView = created
        ? { ...record, careFlows: started ? [started] : [] }
        : inTransaction
          ? await this.withCareFlows(manager, hospitalId, record)
          : { ...record, careFlows: await this.careFlowReads.submit(record) };
      const result = { created, patient: patientView };
      await command.transactionSteps?.after?.(manager, result);
      if (scope) await this.idempotency.remember(manager, scope, result);
      return result;
    });
  }

  async get(hospitalId: string, patientId: string): Promise<PatientViewV1> {
    const manager = this.dataSource.manager;
    const record = await this.patients.findById(manager, hospitalId, patientId);
    if (!record) throw new DomainError('PATIENT_NOT_FOUND', 'No such patient.');
    return this.withCareFlows(manager, hospitalId, record);
  }

  async search(hospitalId: string, criteria: PatientSearchV1): Promise<SearchPatientsResultV1> {
    if (!criteria.patientCode && !criteria.nationalRegistryNumber && !criteria.identifier) {
      throw new DomainError('VALIDATION_FAILED', 'Give patientCode, nationalRegistryNumber or identifier.', {
        errors: [
          { field: '', message: 'one of patientCode, nationalRegistryNumber, identifier is required' },
        ],
      });
    }
    const records = await this.patients.search(this.dataSource.manager, hospitalId, criteria, SEARCH_LIMIT);
    return this.withCareFlowsOfAll(hospitalId, records);
  }

  /** One more row than asked for tells whether another page follows, without counting the hospital's patients. */
  async listRecent(
    hospitalId: string,
    page: { limit?: number; after?: KeysetPositionV1 },
  ): Promise<ListPatientsResultV1> {
    const limit = page.limit ?? PATIENTS_PAGE_DEFAULT_LIMIT;
    const rows = await this.patients.listRecent(this.dataSource.manager, hospitalId, {
      limit: limit + 1,
      after: page.after,
    });
    const shown = rows.slice(0, limit);
    const result = await this.withCareFlowsOfAll(
      hospitalId,
      shown.map((row) => row.record),
    );
    return rows.length > limit ? { ...result, next: shown[shown.length - 1].position } : result;
  }

  private async withCareFlowsOfAll(
    hospitalId: string,
    records: PatientRecord[],
  ): Promise<SearchPatientsResultV1> {
    const careFlows = await this.careFlows.listForEachPatient(
      this.dataSource.manager,
      records.map((record) => ({ hospitalId, patientId: record.id })),
    );
    const patients = records.map((record, index) => ({ ...record, careFlows: careFlows[index] }));
    return { total: patients.length, patients };
  }

  private async withCareFlows(
    manager: EntityManager,
    hospitalId: string,
    record: PatientRecord,
  ): Promise<PatientViewV1> {
    const [careFlows] = await this.careFlows.listForEachPatient(manager, [
      { hospitalId, patientId: record.id },
    ]);
    return { ...record, careFlows };
  }
}
