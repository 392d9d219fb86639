/**
 * Domain errors travel as `{code, message, details}` over RPC and are mapped to HTTP (gateway filter),
 * HL7 ACKs (hl7-gateway) and failed-message records (siu-ingestor) in one place each.
 * Codes are stable: clients program against them.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  /** A page cursor that is not the nextCursor of an earlier page. */
  'INVALID_CURSOR',
  'BASELINE_INVALID',
  'EXAMPLE_QUERY_INVALID',
  'UNAUTHENTICATED',
  'INVALID_CLIENT',
  'FORBIDDEN',
  'INSUFFICIENT_SCOPE',
  'NOT_FOUND',
  'HOSPITAL_NOT_FOUND',
  'PATIENT_NOT_FOUND',
  'CARE_FLOW_NOT_FOUND',
  'CARE_FLOW_DEFINITION_NOT_FOUND',
  'CARE_FLOW_NOT_ACTIVE',
  'PHYSICIAN_NOT_FOUND',
  'USER_NOT_FOUND',
  'HOSPITAL_KEY_TAKEN',
  'CARE_FLOW_DEFINITION_KEY_TAKEN',
  'USER_EMAIL_TAKEN',
  'USER_IDENTIFIER_TAKEN',
  'SCIM_GROUP_TAKEN',
  'USER_INACTIVE',
  'INVALID_CREDENTIALS',
  'LOGIN_TOKEN_INVALID',
  'HOSPITAL_REQUIRED',
  'PATIENT_NOT_FOUND_AT_HOSPITAL',
  'HOSPITAL_ERROR',
  'HOSPITAL_TIMEOUT',
  'IMPORT_SOURCE_NOT_CONFIGURED',
  'IMPORT_NOT_FOUND',
  'IMPORT_EXPIRED',
  'IMPORT_ALREADY_CONFIRMED',
  'IMPORT_CANDIDATE_INVALID',
  'SIU_NOT_CONFIGURED',
  'SIU_RUN_IN_PROGRESS',
  /** A host or address the outbound destination policy refuses (loopback, link-local, the platform's own). */
  'CONNECTION_DESTINATION_REFUSED',
  /** Another hospital already uses this listener port, directory or SFTP host+port+path. */
  'CONNECTION_IN_USE',
  /** A configuration document asks for a change no API can make (rename a hospital, remove a connection). */
  'CONFIG_CHANGE_UNSUPPORTED',
  'MESSAGE_NOT_REPROCESSABLE',
  'WEBHOOK_NOT_FOUND',
  'WEBHOOK_DELIVERY_NOT_FOUND',
  /** A webhook URL that is not an absolute https URL (http only to loopback in test mode), or carries credentials. */
  'WEBHOOK_URL_INVALID',
  'RETENTION_INVALID',
  'REPROCESS_FILTER_INVALID',
  'IDEMPOTENCY_KEY_REUSED',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'RPC_TIMEOUT',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldError {
  field: string;
  message: string;
}

export interface ErrorDetails {
  errors?: FieldError[];
  [key: string]: unknown;
}

/** The wire form of a failure, as carried in an RPC reply. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static fromPayload(payload: ErrorPayload): DomainError {
    const code = (ERROR_CODES as readonly string[]).includes(payload.code) ? payload.code : 'INTERNAL_ERROR';
    return new DomainError(code, payload.message, payload.details);
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
