import { Injectable } from '@nestjs/common';
import type {
  GetPatientRequestV1,
  ListPatientsRequestV1,
  PatientViewV1,
  SearchPatientsRequestV1,
  SearchPatientsResultV1,
  UpsertPatientRequestV1,
  UpsertPatientResultV1,
} from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { PatientsService } from './patients.service';

@Injectable()
export class PatientsHandler {
  constructor(private readonly patients: PatientsService) {}

  @RpcHandler('patients.upsert.v1')
  upsert(request: UpsertPatientRequestV1): Promise<UpsertPatientResultV1> {
    return this.patients.upsert({
      hospitalId: request.hospitalId,
      patient: request.patient,
      source: request.source ?? 'api',
      idempotencyKey: request.idempotencyKey,
    });
  }

  @RpcHandler('patients.search.v1')
  search(request: SearchPatientsRequestV1): Promise<SearchPatientsResultV1> {
    return this.patients.search(request.hospitalId, request.criteria);
  }

  @RpcHandler('patients.list.v1')
  list(request: ListPatientsRequestV1): Promise<SearchPatientsResultV1> {
    return this.patients.listRecent(request.hospitalId, request);
  }

  @RpcHandler('patients.get.v1')
  get(request: GetPatientRequestV1): Promise<PatientViewV1> {
    return this.patients.get(request.hospitalId, request.patientId);
  }
}
