import type { Rpc, RequestClasses } from '../common/rpc';
import {
  CreateApiClientRequestV1,
  CreateHospitalRequestV1,
  GetHospitalRequestV1,
  ListHospitalsRequestV1,
  UpdateApiClientRequestV1,
  UpdateHospitalRequestV1,
  type ApiClientCreatedV1,
  type HospitalViewV1,
} from './tenancy.rpc.v1';
import type { ApiClientViewV1 } from '../auth/credentials.rpc.v1';

export interface TenancyRpc {
  'tenancy.hospital.create.v1': Rpc<CreateHospitalRequestV1, HospitalViewV1>;
  'tenancy.hospital.list.v1': Rpc<ListHospitalsRequestV1, HospitalViewV1[]>;
  'tenancy.hospital.get.v1': Rpc<GetHospitalRequestV1, HospitalViewV1>;
  'tenancy.hospital.update.v1': Rpc<UpdateHospitalRequestV1, HospitalViewV1>;
  'tenancy.api-client.create.v1': Rpc<CreateApiClientRequestV1, ApiClientCreatedV1>;
  'tenancy.api-client.update.v1': Rpc<UpdateApiClientRequestV1, ApiClientViewV1>;
}

export const TENANCY_RPC_CLASSES: RequestClasses<TenancyRpc> = {
  'tenancy.hospital.create.v1': CreateHospitalRequestV1,
  'tenancy.hospital.list.v1': ListHospitalsRequestV1,
  'tenancy.hospital.get.v1': GetHospitalRequestV1,
  'tenancy.hospital.update.v1': UpdateHospitalRequestV1,
  'tenancy.api-client.create.v1': CreateApiClientRequestV1,
  'tenancy.api-client.update.v1': UpdateApiClientRequestV1,
};
