import type { Type } from '@nestjs/common';
import type { ConfigSection } from './config-section';
import { AlertRulesSection } from './sections/alert-rules.section';
import { CareFlowDefinitionsSection } from './sections/care-flow-definitions.section';
import { Hl7ConnectionSection } from './sections/hl7-connection.section';
import { HospitalSection } from './sections/hospital.section';
import { ImportSourceSection } from './sections/import-source.section';
import { RetentionSection } from './sections/retention.section';
import { ScimGroupRolesSection } from './sections/scim-group-roles.section';
import { SiuConnectionSection } from './sections/siu-connection.section';
import { WebServiceConnectionSection } from './sections/webservice-connection.section';

/**
 * Every section of the configuration document, in the order they are written. To add one: write a class implementing ConfigSection in sections/, and add it here.
 * Care-flow definitions come before the SIU connection, whose care-flow map names them.
 */
export const CONFIG_SECTION_CLASSES: Type<ConfigSection>[] = [
  HospitalSection,
  CareFlowDefinitionsSection,
  ImportSourceSection,
  Hl7ConnectionSection,
  WebServiceConnectionSection,
  SiuConnectionSection,
  ScimGroupRolesSection,
  AlertRulesSection,
  RetentionSection,
];
