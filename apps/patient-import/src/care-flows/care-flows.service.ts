import { Injectable } from '@nestjs/common';
import {
  DomainError,
  type CareFlowStartInputV1,
  type CareFlowSourceKind,
  type CareFlowViewV1,
} from '@bridge/contracts';
import { IdempotencyKeys } from '@bridge/database';
import { Bus, Outbox } from '@bridge/messaging';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { CareFlowDefinitionsService } from '../care-flow-definitions/care-flow-definitions.service';
import { PATIENT_IMPORT_SCHEMA } from '../patient-import.schema';
import { assertValidBaseline } from './baseline';
import { CareFlowsRepository, type CareFlowChange } from './care-flows.repository';

/** A care flow checked against its definition and with its physician resolved, ready to insert. */
export interface PreparedCareFlow {
  definitionKey: string;
  physicianId?: string;
  physicianCode?: string;
  baseline: Record<string, string>;
}

@Injectable()
export class CareFlowsService {
  private readonly idempotency = new IdempotencyKeys(PATIENT_IMPORT_SCHEMA);

  constructor(
    private readonly dataSource: DataSource,
    private readonly careFlows: CareFlowsRepository,
    private readonly definitions: CareFlowDefinitionsService,
    private readonly outbox: Outbox,
    private readonly bus: Bus,
  ) {}

  /** Everything that can refuse a care flow, done before any write so nothing is half-written. */
  async prepare(hospitalId: string, input: CareFlowStartInputV1): Promise<PreparedCareFlow> {
    const definition = await this.definitions.getActive(hospitalId, input.definitionKey);
    const baseline = assertValidBaseline(definition, input.baseline ?? {});
    const physician =
      input.physicianId || input.physicianCode
        ? await this.bus.request('users.physician.resolve.v1', {
            hospitalId,
            ...(input.physicianId
              ? { physicianId: input.physicianId }
              : { physicianCode: input.physicianCode }),
          })
        : undefined;
    return {
      definitionKey: definition.key,
      physicianId: physician?.id,
      physicianCode: physician?.physicianCode,
      baseline,
    };
  }

  async insertPrepared(
    manager: EntityManager,
    target: {
      hospitalId: string;
      patientId: string;
      source: { kind: CareFlowSourceKind; appointmentId?: string };
    },
    prepared: PreparedCareFlow,
  ): Promise<CareFlowViewV1> {
    const started = await this.careFlows.insert(manager, {
      id: randomUUID(),
      hospitalId: target.hospitalId,
      patientId: target.patientId,
      ...prepared,
      source: target.source,
    });
    await this.announce(manager, target.hospitalId, started, 'started');
    return started.careFlow;
  }

  async start(
    hospitalId: string,
    patientId: string,
    input: CareFlowStartInputV1,
    idempotencyKey?: string,
  ): Promise<CareFlowViewV1> {
    // The path's patient first: another hospital's patient id is 404, whatever the body says.
    await this.requirePatient(this.dataSource.manager, hospitalId, patientId);
    const prepared = await this.prepare(hospitalId, input);
    const scope = idempotencyKey && {
      hospitalId,
      key: idempotencyKey,
      operation: 'careflows.start',
      request: { patientId, input },
    };
    return this.dataSource.transaction(async (manager) => {
      if (scope) {
        const replayed = await this.idempotency.claim<CareFlowViewV1>(manager, scope);
        if (replayed) return replayed;
      }
      await this.requirePatient(manager, hospitalId, patientId);
      const careFlow = await this.insertPrepared(
        manager,
        { hospitalId, patientId, source: { kind: 'api' } },
        prepared,
      );
      if (scope) await this.idempotency.remember(manager, scope, careFlow);
      return careFlow;
    });
  }

  /** 404 unless the hospital has this patient; share-locked in a transaction, so it cannot go away under a new care flow. */
  private async requirePatient(manager: EntityManager, hospitalId: string, patientId: string): Promise<void> {
    const patients: unknown[] = await manager.query(
      `SELECT 1 FROM patient_import.patients WHERE hospital_id = $1 AND id = $2 FOR SHARE`,
      [hospitalId, patientId],
    );
    if (patients.length === 0) throw new DomainError('PATIENT_NOT_FOUND', 'No such patient.');
  }

  /** Merges the given values into the baseline; the result must still fit the definition. */
  async updateBaseline(
    hospitalId: string,
    careFlowId: string,
    changes: Record<string, string>,
  ): Promise<CareFlowViewV1> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.activeCareFlow(manager, hospitalId, careFlowId);
      const definition = await this.definitions.get(hospitalId, current.definitionKey);
      const baseline = assertValidBaseline(definition, { ...current.baseline, ...changes });
      const updated = await this.careFlows.updateBaseline(manager, hospitalId, careFlowId, baseline);
      await this.announce(manager, hospitalId, updated, 'updated');
      return updated.careFlow;
    });
  }

  async stop(hospitalId: string, careFlowId: string, reason: string): Promise<CareFlowViewV1> {
    return this.dataSource.transaction(async (manager) => {
      await this.activeCareFlow(manager, hospitalId, careFlowId);
      const stopped = await this.careFlows.stop(manager, hospitalId, careFlowId, reason);
      await this.announce(manager, hospitalId, stopped, 'stopped');
      return stopped.careFlow;
    });
  }

  private async activeCareFlow(
    manager: EntityManager,
    hospitalId: string,
    careFlowId: string,
  ): Promise<CareFlowViewV1> {
    const careFlow = await this.careFlows.findForUpdate(manager, hospitalId, careFlowId);
    if (!careFlow) throw new DomainError('CARE_FLOW_NOT_FOUND', 'No such care flow.');
    if (careFlow.status !== 'active') {
      throw new DomainError('CARE_FLOW_NOT_ACTIVE', `The care flow is ${careFlow.status}.`);
    }
    return careFlow;
  }

  private async announce(
    manager: EntityManager,
    hospitalId: string,
    { careFlow, position }: CareFlowChange,
    change: 'started' | 'updated' | 'stopped',
  ): Promise<void> {
    await this.outbox.add(manager, 'careflows.careflow.changed.v1', {
      ...position,
      hospitalId,
      patientId: careFlow.patientId,
      careFlowId: careFlow.id,
      change,
      definitionKey: careFlow.definitionKey,
      ...(careFlow.source.appointmentId ? { appointmentId: careFlow.source.appointmentId } : {}),
    });
  }
}
