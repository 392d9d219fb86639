import { ApiError } from '../api/client';

/** Human words for the platform's stable error codes; the code itself stays visible for support. */
const MESSAGES: Record<string, string> = {
  PATIENT_NOT_FOUND_AT_HOSPITAL: 'The hospital does not know this patient. Check the number and try again.',
  HOSPITAL_ERROR: 'The hospital system answered with an error.',
  HOSPITAL_TIMEOUT: 'The hospital system did not answer in time. Try again in a moment.',
  IMPORT_SOURCE_NOT_CONFIGURED: 'Importing is not set up for this hospital yet. Ask your integration engineer.',
  INVALID_CLIENT: 'These credentials are not valid.',
  UNAUTHENTICATED: 'Your session has ended. Please sign in again.',
  INVALID_CREDENTIALS: 'Wrong e-mail or password.',
  RATE_LIMITED: 'Too many attempts. Wait a minute and try again.',
  VALIDATION_FAILED: 'Some fields are not valid.',
  BASELINE_INVALID: 'Some care-flow details are missing or not valid.',
};

export function describeError(error: unknown): string {
  if (error instanceof ApiError) return MESSAGES[error.code] ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

export function ProblemMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const problem = error instanceof ApiError ? error.problem : undefined;
  return (
    <div role="alert" className="problem">
      <p>{describeError(error)}</p>
      {problem?.hospitalError && (
        <p>
          Hospital says: <q>{problem.hospitalError}</q>
        </p>
      )}
      {problem?.errors?.length ? (
        <ul>
          {problem.errors.map((fieldError) => (
            <li key={`${fieldError.field}:${fieldError.message}`}>{fieldError.message}</li>
          ))}
        </ul>
      ) : null}
      {problem && <small className="code">{problem.code}</small>}
    </div>
  );
}
