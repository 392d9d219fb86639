import { ApiError } from '../api/client';
import { useText, type MessageKey } from '../i18n';
import { en } from '../i18n/en';

/** Human words for the platform's stable error codes (catalogue keys `error.<CODE>`); the code itself stays visible for support. */
function useDescribeError() {
  const { t } = useText();
  return (error: unknown): string => {
    if (error instanceof ApiError) {
      const key = `error.${error.code}`;
      return key in en ? t(key as MessageKey) : error.message;
    }
    return error instanceof Error ? error.message : String(error);
  };
}

export function ProblemMessage({ error }: { error: unknown }) {
  const describe = useDescribeError();
  const { rich } = useText();
  if (!error) return null;
  const problem = error instanceof ApiError ? error.problem : undefined;
  return (
    <div role="alert" className="problem">
      <p>{describe(error)}</p>
      {problem?.hospitalError && (
        <p>{rich('error.hospitalSays', { message: <q>{problem.hospitalError}</q> })}</p>
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
