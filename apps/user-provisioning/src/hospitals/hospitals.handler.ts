import { Controller } from '@nestjs/common';
import type {
  CreateHospitalRequestV1,
  GetHospitalRequestV1,
  HospitalViewV1,
  UpdateHospitalRequestV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { HospitalsService } from './hospitals.service';

@Controller()
export class HospitalsHandler {
  constructor(private readonly hospitals: HospitalsService) {}

  @MessagePattern('tenancy.hospital.create.v1')
  create(@Payload() request: CreateHospitalRequestV1): Promise<HospitalViewV1> {
    return this.hospitals.create(request.hospital);
  }

  @MessagePattern('tenancy.hospital.list.v1')
  list(): Promise<HospitalViewV1[]> {
    return this.hospitals.list();
  }

  @MessagePattern('tenancy.hospital.update.v1')
  update(@Payload() request: UpdateHospitalRequestV1): Promise<HospitalViewV1> {
    return this.hospitals.update(request.hospitalId, request.patch);
  }

  @MessagePattern('tenancy.hospital.get.v1')
  get(@Payload() request: GetHospitalRequestV1): Promise<HospitalViewV1> {
    return this.hospitals.get(request.hospitalId);
  }
}
