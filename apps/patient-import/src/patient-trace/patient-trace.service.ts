import { Injectable } from '@nestjs/common';
import {
  DomainError,
  PATIENT_TRACE_DEFAULT_LIMIT,
  type LoginLinkEventV1,
  type PatientTraceRequestV1,
  type PatientTraceV1,
} from '@bridge/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { PatientEventsRepository } from './patient-events.repository';

/** "What happened to this patient?": every push, import, SIU message, care-flow change and login link. */
@Injectable()
export class PatientTraceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: PatientEventsRepository,
  ) {}

  async trace(request: PatientTraceRequestV1): Promise<PatientTraceV1> {
    const manager = this.dataSource.manager;
    // Another hospital's patient id is 404, like GET /v1/patients/{id}, never an empty trace.
    if (!(await this.events.patientExists(manager, request.hospitalId, request.patientId)))
      throw new DomainError('PATIENT_NOT_FOUND', 'No such patient.');
    return this.events.page(manager, request.hospitalId, request.patientId, {
      cursor: request.cursor,
      limit: request.limit ?? PATIENT_TRACE_DEFAULT_LIMIT,
    });
  }

  recordLoginLink(manager: EntityManager, event: LoginLinkEventV1, step: 'issued' | 'used'): Promise<void> {
    return this.events.recordLoginLink(manager, event, step);
  }
}
