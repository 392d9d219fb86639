import type { Rpc, RequestClasses } from '../common/rpc';
import {
  CreateCareFlowDefinitionRequestV1,
  ListCareFlowDefinitionsRequestV1,
  UpdateCareFlowDefinitionRequestV1,
  type CareFlowDefinitionViewV1,
} from '../care-flows/care-flow-definition.v1';
import type { PatientViewV1 } from './patient.view.v1';
import { PatientTraceRequestV1, type PatientTraceV1 } from './patient-trace.v1';
import {
  GetPatientRequestV1,
  ListPatientsRequestV1,
  SearchPatientsRequestV1,
  StartCareFlowRequestV1,
  StopCareFlowRequestV1,
  UpdateBaselineRequestV1,
  UpsertPatientRequestV1,
  type CareFlowResultV1,
  type ListPatientsResultV1,
  type SearchPatientsResultV1,
  type UpsertPatientResultV1,
} from './patients.rpc.v1';

export interface PatientsRpc {
  'patients.upsert.v1': Rpc<UpsertPatientRequestV1, UpsertPatientResultV1>;
  'patients.search.v1': Rpc<SearchPatientsRequestV1, SearchPatientsResultV1>;
  'patients.get.v1': Rpc<GetPatientRequestV1, PatientViewV1>;
  'patients.list.v1': Rpc<ListPatientsRequestV1, ListPatientsResultV1>;
  'patients.trace.v1': Rpc<PatientTraceRequestV1, PatientTraceV1>;
  'careflows.start.v1': Rpc<StartCareFlowRequestV1, CareFlowResultV1>;
  'careflows.baseline.update.v1': Rpc<UpdateBaselineRequestV1, CareFlowResultV1>;
  'careflows.stop.v1': Rpc<StopCareFlowRequestV1, CareFlowResultV1>;
  'careflows.definition.create.v1': Rpc<CreateCareFlowDefinitionRequestV1, CareFlowDefinitionViewV1>;
  'careflows.definition.list.v1': Rpc<ListCareFlowDefinitionsRequestV1, CareFlowDefinitionViewV1[]>;
  'careflows.definition.update.v1': Rpc<UpdateCareFlowDefinitionRequestV1, CareFlowDefinitionViewV1>;
}

export const PATIENTS_RPC_CLASSES: RequestClasses<PatientsRpc> = {
  'patients.upsert.v1': UpsertPatientRequestV1,
  'patients.search.v1': SearchPatientsRequestV1,
  'patients.get.v1': GetPatientRequestV1,
  'patients.list.v1': ListPatientsRequestV1,
  'patients.trace.v1': PatientTraceRequestV1,
  'careflows.start.v1': StartCareFlowRequestV1,
  'careflows.baseline.update.v1': UpdateBaselineRequestV1,
  'careflows.stop.v1': StopCareFlowRequestV1,
  'careflows.definition.create.v1': CreateCareFlowDefinitionRequestV1,
  'careflows.definition.list.v1': ListCareFlowDefinitionsRequestV1,
  'careflows.definition.update.v1': UpdateCareFlowDefinitionRequestV1,
};
