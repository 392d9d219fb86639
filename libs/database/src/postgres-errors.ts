/** PostgreSQL's unique_violation, as surfaced by TypeORM's QueryFailedError. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const driverError = (error as { driverError?: { code?: string; constraint?: string } })?.driverError;
  const code = driverError?.code ?? (error as { code?: string })?.code;
  if (code !== '23505') return false;
  return !constraint || driverError?.constraint === constraint;
}
