import { Controller } from '@nestjs/common';
import type {
  GetPatientRequestV1,
  ListPatientsRequestV1,
  ListPatientsResultV1,
  PatientViewV1,
  SearchPatientsRequestV1,
  SearchPatientsResultV1,
  UpsertPatientRequestV1,
  UpsertPatientResultV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PatientsService } from './patients.service';

@Controller()
export class PatientsHandler {
  constructor(private readonly patients: PatientsService) {}

  @MessagePattern('patients.upsert.v1')
  upsert(@Payload() request: UpsertPatientRequestV1): Promise<UpsertPatientResultV1> {
    return this.patients.upsert({
      hospitalId: request.hospitalId,
      patient: request.patient,
      source: request.source ?? 'api',
      idempotencyKey: request.idempotencyKey,
    });
  }

  @MessagePattern('patients.search.v1')
  search(@Payload() request: SearchPatientsRequestV1): Promise<SearchPatientsResultV1> {
    return this.patients.search(request.hospitalId, request.criteria);
  }

  @MessagePattern('patients.list.v1')
  list(@Payload() request: ListPatientsRequestV1): Promise<ListPatientsResultV1> {
    return this.patients.listRecent(request.hospitalId, request);
  }

  @MessagePattern('patients.get.v1')
  get(@Payload() request: GetPatientRequestV1): Promise<PatientViewV1> {
    return this.patients.get(request.hospitalId, request.patientId);
  }
}
