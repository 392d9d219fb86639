/**
 * Stable codes, so callers (ACK builders, SIU run reports, the problem+json filter) can map an
 * error without reading its text. Texts never carry field values: they may end up in logs (no PHI).
 */
export type Hl7ParseErrorCode =
  | 'HL7_EMPTY'
  | 'HL7_NO_MSH'
  | 'HL7_BAD_DELIMITERS'
  | 'HL7_TRUNCATED'
  | 'HL7_NO_MESSAGE_TYPE'
  | 'HL7_MULTIPLE_MESSAGES'
  | 'HL7_MESSAGE_TOO_LARGE'
  | 'HL7_BAD_PATH'
  | 'SIU_NOT_SIU'
  | 'SIU_NO_PATIENT_ID'
  | 'SIU_NO_APPOINTMENT_ID';

export class Hl7ParseError extends Error {
  override readonly name = 'Hl7ParseError';
  readonly code: Hl7ParseErrorCode;
  /** MSH-10 when it could be read, so a failed message can still be reported by control id (rule 26). */
  readonly controlId?: string;

  constructor(code: Hl7ParseErrorCode, message: string, details: { controlId?: string } = {}) {
    super(message);
    this.code = code;
    if (details.controlId) this.controlId = details.controlId;
  }
}

export type Hl7BuildErrorCode = 'HL7_EMPTY_VALUE' | 'HL7_BAD_CONTROL_ID';

/** Thrown by the message builders for input that would produce an unusable message. */
export class Hl7BuildError extends Error {
  override readonly name = 'Hl7BuildError';
  readonly code: Hl7BuildErrorCode;

  constructor(code: Hl7BuildErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
