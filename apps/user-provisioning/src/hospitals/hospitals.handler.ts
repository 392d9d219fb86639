import { Injectable } from '@nestjs/common';
import type {
  CreateHospitalRequestV1,
  GetHospitalRequestV1,
  HospitalViewV1,
} from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { HospitalsService } from './hospitals.service';

@Injectable()
export class HospitalsHandler {
  constructor(private readonly hospitals: HospitalsService) {}

  @RpcHandler('tenancy.hospital.create.v1')
  create(request: CreateHospitalRequestV1): Promise<HospitalViewV1> {
    return this.hospitals.create(request.hospital);
  }

  @RpcHandler('tenancy.hospital.list.v1')
  list(): Promise<HospitalViewV1[]> {
    return this.hospitals.list();
  }

  @RpcHandler('tenancy.hospital.get.v1')
  get(request: GetHospitalRequestV1): Promise<HospitalViewV1> {
    return this.hospitals.get(request.hospitalId);
  }
}
