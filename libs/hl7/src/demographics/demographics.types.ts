import type { Hl7Segment } from '../model/hl7-message';

export type Sex = 'male' | 'female' | 'other' | 'unknown';

export interface Hl7Address {
  readonly street?: string;
  readonly city?: string;
  readonly zip?: string;
  readonly state?: string;
  readonly country?: string;
}

/** One PID-3 repetition: `system` is the assigning authority, else the identifier type. */
export interface Hl7Identifier {
  readonly system: string;
  readonly value: string;
  readonly type?: string;
}

/** Patient demographics as read by rules 10-18 (A19 candidates and SIU patients). */
export interface Demographics {
  readonly patientCode?: string;
  readonly nationalRegistryNumber?: string;
  readonly visitNumber?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly middleName?: string;
  /** `YYYY-MM-DD`, or `YYYY-MM` / `YYYY` when the hospital sent less. */
  readonly birthDate?: string;
  readonly sex: Sex;
  readonly email?: string;
  readonly phone?: string;
  readonly mobilePhone?: string;
  /** PID-15.1 verbatim (e.g. `NL`, `FR`). */
  readonly preferredLanguage?: string;
  readonly address?: Hl7Address;
  readonly identifiers: readonly Hl7Identifier[];
}

export interface DemographicsOptions {
  /** The connection's assigning authority for the patient code (rule 10). */
  readonly patientIdAuthority?: string;
  /**
   * Rule 10 b: identifier types (CX.5) that name the patient, in precedence order; default
   * `MR`, `MRN`, `PI`, `PT` (DEFAULT_PATIENT_ID_TYPES). Compared case-insensitively.
   */
  readonly patientIdTypes?: readonly string[];
}

/** A PID and the segments that follow it up to the next PID (rule 9). */
export interface PidGroup {
  readonly pid: Hl7Segment;
  /** The group's first PV1, the only other segment that feeds demographics (PV1-19). */
  readonly pv1?: Hl7Segment;
  readonly segments: readonly Hl7Segment[];
}
