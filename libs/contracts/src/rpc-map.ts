/**
 * The typed map from message pattern to payload types. A wrong payload for a pattern is a compile
 * error at the caller (Bus.request) and a validation error at the receiver (the request classes below).
 * Never change a released v1 incompatibly: add a v2 pattern beside it.
 */
import type { AccessTokenV1 } from './auth/auth.rpc.v1';
import { AuthenticateClientRequestV1 } from './auth/auth.rpc.v1';
import {
  CreateCareFlowDefinitionRequestV1,
  ListCareFlowDefinitionsRequestV1,
  type CareFlowDefinitionViewV1,
} from './care-flows/care-flow-definition.v1';
import { CareFlowChangedEventV1, PatientUpsertedEventV1 } from './events.v1';
import { HealthCheckRequestV1, type HealthReportV1 } from './health/health.rpc.v1';
import type { PatientViewV1 } from './patients/patient.view.v1';
import {
  GetPatientRequestV1,
  SearchPatientsRequestV1,
  StartCareFlowRequestV1,
  StopCareFlowRequestV1,
  UpdateBaselineRequestV1,
  UpsertPatientRequestV1,
  type CareFlowResultV1,
  type SearchPatientsResultV1,
  type UpsertPatientResultV1,
} from './patients/patients.rpc.v1';
import {
  CreateApiClientRequestV1,
  CreateHospitalRequestV1,
  GetHospitalRequestV1,
  ListHospitalsRequestV1,
  type ApiClientCreatedV1,
  type HospitalViewV1,
} from './tenancy/tenancy.rpc.v1';
import {
  CreateUserRequestV1,
  ListPhysiciansRequestV1,
  ResolvePhysicianRequestV1,
  type UserViewV1,
} from './users/users.rpc.v1';

type Rpc<Request, Response> = { request: Request; response: Response };
type Class<T> = new () => T;

export interface RpcContracts {
  'auth.client.authenticate.v1': Rpc<AuthenticateClientRequestV1, AccessTokenV1>;
  'tenancy.hospital.create.v1': Rpc<CreateHospitalRequestV1, HospitalViewV1>;
  'tenancy.hospital.list.v1': Rpc<ListHospitalsRequestV1, HospitalViewV1[]>;
  'tenancy.hospital.get.v1': Rpc<GetHospitalRequestV1, HospitalViewV1>;
  'tenancy.api-client.create.v1': Rpc<CreateApiClientRequestV1, ApiClientCreatedV1>;
  'users.user.create.v1': Rpc<CreateUserRequestV1, UserViewV1>;
  'users.physician.list.v1': Rpc<ListPhysiciansRequestV1, UserViewV1[]>;
  'users.physician.resolve.v1': Rpc<ResolvePhysicianRequestV1, UserViewV1>;
  'patients.upsert.v1': Rpc<UpsertPatientRequestV1, UpsertPatientResultV1>;
  'patients.search.v1': Rpc<SearchPatientsRequestV1, SearchPatientsResultV1>;
  'patients.get.v1': Rpc<GetPatientRequestV1, PatientViewV1>;
  'careflows.start.v1': Rpc<StartCareFlowRequestV1, CareFlowResultV1>;
  'careflows.baseline.update.v1': Rpc<UpdateBaselineRequestV1, CareFlowResultV1>;
  'careflows.stop.v1': Rpc<StopCareFlowRequestV1, CareFlowResultV1>;
  'careflows.definition.create.v1': Rpc<CreateCareFlowDefinitionRequestV1, CareFlowDefinitionViewV1>;
  'careflows.definition.list.v1': Rpc<ListCareFlowDefinitionsRequestV1, CareFlowDefinitionViewV1[]>;
  'patient-import.health.check.v1': Rpc<HealthCheckRequestV1, HealthReportV1>;
  'user-provisioning.health.check.v1': Rpc<HealthCheckRequestV1, HealthReportV1>;
  'hl7-gateway.health.check.v1': Rpc<HealthCheckRequestV1, HealthReportV1>;
  'siu-ingestor.health.check.v1': Rpc<HealthCheckRequestV1, HealthReportV1>;
}

export type RpcPattern = keyof RpcContracts;
export type RpcRequest<P extends RpcPattern> = RpcContracts[P]['request'];
export type RpcResponse<P extends RpcPattern> = RpcContracts[P]['response'];

/** The class each receiver validates an incoming request against. */
export const RPC_REQUEST_CLASSES: { [P in RpcPattern]: Class<RpcRequest<P>> } = {
  'auth.client.authenticate.v1': AuthenticateClientRequestV1,
  'tenancy.hospital.create.v1': CreateHospitalRequestV1,
  'tenancy.hospital.list.v1': ListHospitalsRequestV1,
  'tenancy.hospital.get.v1': GetHospitalRequestV1,
  'tenancy.api-client.create.v1': CreateApiClientRequestV1,
  'users.user.create.v1': CreateUserRequestV1,
  'users.physician.list.v1': ListPhysiciansRequestV1,
  'users.physician.resolve.v1': ResolvePhysicianRequestV1,
  'patients.upsert.v1': UpsertPatientRequestV1,
  'patients.search.v1': SearchPatientsRequestV1,
  'patients.get.v1': GetPatientRequestV1,
  'careflows.start.v1': StartCareFlowRequestV1,
  'careflows.baseline.update.v1': UpdateBaselineRequestV1,
  'careflows.stop.v1': StopCareFlowRequestV1,
  'careflows.definition.create.v1': CreateCareFlowDefinitionRequestV1,
  'careflows.definition.list.v1': ListCareFlowDefinitionsRequestV1,
  'patient-import.health.check.v1': HealthCheckRequestV1,
  'user-provisioning.health.check.v1': HealthCheckRequestV1,
  'hl7-gateway.health.check.v1': HealthCheckRequestV1,
  'siu-ingestor.health.check.v1': HealthCheckRequestV1,
};

export interface EventContracts {
  'patients.patient.upserted.v1': PatientUpsertedEventV1;
  'careflows.careflow.changed.v1': CareFlowChangedEventV1;
}

export type EventName = keyof EventContracts;
export type EventPayload<E extends EventName> = EventContracts[E];

export const EVENT_PAYLOAD_CLASSES: { [E in EventName]: Class<EventPayload<E>> } = {
  'patients.patient.upserted.v1': PatientUpsertedEventV1,
  'careflows.careflow.changed.v1': CareFlowChangedEventV1,
};
