import type { ErrorCode } from '@bridge/contracts';

/** The one map from domain error codes to HTTP statuses. */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_CURSOR: 400,
  BASELINE_INVALID: 422,
  CONFIG_CHANGE_UNSUPPORTED: 422,
  EXAMPLE_QUERY_INVALID: 400,
  UNAUTHENTICATED: 401,
  INVALID_CLIENT: 401,
  FORBIDDEN: 403,
  INSUFFICIENT_SCOPE: 403,
  NOT_FOUND: 404,
  HOSPITAL_NOT_FOUND: 404,
  PATIENT_NOT_FOUND: 404,
  CARE_FLOW_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  // A definition or physician named inside a body: the request is understood but cannot be applied.
  CARE_FLOW_DEFINITION_NOT_FOUND: 422,
  PHYSICIAN_NOT_FOUND: 422,
  CARE_FLOW_NOT_ACTIVE: 409,
  HOSPITAL_KEY_TAKEN: 409,
  CARE_FLOW_DEFINITION_KEY_TAKEN: 409,
  USER_EMAIL_TAKEN: 409,
  USER_IDENTIFIER_TAKEN: 409,
  // Another SCIM group of the hospital has this displayName (role mappings name groups by it) or externalId.
  SCIM_GROUP_TAKEN: 409,
  // The user exists but is deactivated: a login token for it would never be exchangeable.
  USER_INACTIVE: 409,
  INVALID_CREDENTIALS: 401,
  LOGIN_TOKEN_INVALID: 401,
  // The e-mail and password open accounts in several hospitals: the body must name one.
  HOSPITAL_REQUIRED: 400,
  PATIENT_NOT_FOUND_AT_HOSPITAL: 404,
  HOSPITAL_ERROR: 502,
  HOSPITAL_TIMEOUT: 504,
  IMPORT_SOURCE_NOT_CONFIGURED: 409,
  IMPORT_NOT_FOUND: 404,
  // The session existed and will never be confirmable again: Gone, not a conflict a retry could resolve.
  IMPORT_EXPIRED: 410,
  IMPORT_ALREADY_CONFIRMED: 409,
  IMPORT_CANDIDATE_INVALID: 422,
  SIU_NOT_CONFIGURED: 409,
  // One run at a time per hospital: the running one must finish first.
  SIU_RUN_IN_PROGRESS: 409,
  // A connection pointed where the platform never goes on a hospital's behalf: fix the configuration.
  CONNECTION_DESTINATION_REFUSED: 400,
  // Two hospitals never share a listener port, a directory or an SFTP folder.
  CONNECTION_IN_USE: 409,
  // Only a failed message can be processed again.
  MESSAGE_NOT_REPROCESSABLE: 409,
  WEBHOOK_NOT_FOUND: 404,
  WEBHOOK_DELIVERY_NOT_FOUND: 404,
  WEBHOOK_URL_INVALID: 400,
  RETENTION_INVALID: 422,
  REPROCESS_FILTER_INVALID: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  RPC_TIMEOUT: 504,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL_ERROR: 500,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function titleOf(status: number): string {
  return TITLES[status] ?? 'Error';
}
