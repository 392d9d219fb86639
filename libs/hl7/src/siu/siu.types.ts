import type { Demographics } from '../demographics/demographics.types';

export type SiuAction = 'start' | 'update' | 'stop' | 'ignore';

export type SiuPhysicianField = 'AIP-3.1' | 'AIG-3.1' | 'PV1-7.1';

/** Rule 23: the first rule whose field (`SEG-n.c`) equals `value` exactly picks the care flow. */
export interface SiuCareFlowRule {
  readonly field: string;
  readonly value: string;
  readonly careFlowDefinitionKey: string;
}

export interface SiuSettings {
  /** Rule 24; default `AIP-3.1`. */
  readonly physicianField?: SiuPhysicianField;
  readonly careFlowMap: readonly SiuCareFlowRule[];
  /** Merged over DEFAULT_SIU_EVENT_MAP, so a hospital only lists the events it changes. */
  readonly eventMap?: Readonly<Record<string, SiuAction>>;
  readonly patientIdAuthority?: string;
  /** Rule 10 b; default `MR`, `MRN`, `PI`, `PT`. */
  readonly patientIdTypes?: readonly string[];
}

export interface SiuAppointment {
  /** MSH-9.2, e.g. `S12`. */
  readonly event: string;
  readonly action: SiuAction;
  readonly appointmentId?: string;
  /** `YYYY-MM-DDTHH:mm` hospital wall-clock (never converted); `YYYY-MM-DD` when only a date was sent. */
  readonly appointmentDate?: string;
  /** Text of AIS-3 (service), else SCH-7 (reason), else SCH-8 (type); each its text, else its code. */
  readonly appointmentType?: string;
  /** AIL-3 (the appointment's location resource), else PV1-3: point of care / room / bed. */
  readonly location?: string;
  /** SCH-25.1, e.g. `Booked`, `Cancelled`. */
  readonly fillerStatus?: string;
  readonly physicianCode?: string;
  /** Undefined when no care-flow rule matches: the message is processed, no care flow is created. */
  readonly careFlowDefinitionKey?: string;
  readonly patient: Demographics;
  readonly controlId: string;
  readonly sendingApplication: string;
  readonly sendingFacility: string;
}
