import { Injectable } from '@nestjs/common';
import {
  DomainError,
  type PatientInputV1,
  type PatientSearchV1,
  type PatientViewV1,
  type SearchPatientsResultV1,
  type UpsertPatientResultV1,
} from '@bridge/contracts';
import { IdempotencyKeys } from '@bridge/database';
import { Outbox } from '@bridge/messaging';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { CareFlowsRepository } from '../care-flows/care-flows.repository';
import { CareFlowsService } from '../care-flows/care-flows.service';
import { PATIENT_IMPORT_SCHEMA } from '../patient-import.schema';
import { PatientsRepository, type PatientRecord } from './patients.repository';

const SEARCH_LIMIT = 50;

export interface UpsertCommand {
  hospitalId: string;
  patient: PatientInputV1;
  source: 'api' | 'import' | 'siu';
  idempotencyKey?: string;
}

@Injectable()
export class PatientsService {
  private readonly idempotency = new IdempotencyKeys(PATIENT_IMPORT_SCHEMA);

  constructor(
    private readonly dataSource: DataSource,
    private readonly patients: PatientsRepository,
    private readonly careFlows: CareFlowsRepository,
    private readonly careFlowsService: CareFlowsService,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Creates or updates the patient by patientCode and optionally starts a care flow, in one
   * transaction with the outbox event: either all of it is stored, or none of it.
   */
  async upsert(command: UpsertCommand): Promise<UpsertPatientResultV1> {
    const { hospitalId, patient } = command;
    const prepared = patient.careFlow ? await this.careFlowsService.prepare(hospitalId, patient.careFlow) : undefined;
    const scope = command.idempotencyKey && {
      hospitalId,
      key: command.idempotencyKey,
      operation: 'patients.upsert',
      request: patient,
    };
    return this.dataSource.transaction(async (manager) => {
      if (scope) {
        const replayed = await this.idempotency.replay<UpsertPatientResultV1>(manager, scope);
        if (replayed) return replayed;
      }
      const { record, created } = await this.patients.upsert(manager, hospitalId, randomUUID(), patient, command.source);
      const started = prepared
        ? await this.careFlowsService.insertPrepared(
            manager,
            { hospitalId, patientId: record.id, source: { kind: command.source } },
            prepared,
          )
        : undefined;
      await this.outbox.add(manager, 'patients.patient.upserted.v1', {
        hospitalId,
        patientId: record.id,
        created,
        source: command.source,
      });
      // A patient created just now has no care flows but the one started here: no need to read them back.
      const patientView = created
        ? { ...record, careFlows: started ? [started] : [] }
        : await this.withCareFlows(manager, hospitalId, record);
      const result = { created, patient: patientView };
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
        errors: [{ field: '', message: 'one of patientCode, nationalRegistryNumber, identifier is required' }],
      });
    }
    const manager = this.dataSource.manager;
    const records = await this.patients.search(manager, hospitalId, criteria, SEARCH_LIMIT);
    const careFlows = await this.careFlows.listForPatients(
      manager,
      hospitalId,
      records.map((record) => record.id),
    );
    const patients = records.map((record) => ({
      ...record,
      careFlows: careFlows.filter((careFlow) => careFlow.patientId === record.id),
    }));
    return { total: patients.length, patients };
  }

  private async withCareFlows(manager: EntityManager, hospitalId: string, record: PatientRecord): Promise<PatientViewV1> {
    return { ...record, careFlows: await this.careFlows.listForPatients(manager, hospitalId, [record.id]) };
  }
}
