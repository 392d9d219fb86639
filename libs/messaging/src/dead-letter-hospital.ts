/** The hospital a dead letter belongs to, when its payload names one (every hospital-scoped event does). */
export function hospitalOf(payload: unknown): string | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const value = (payload as { hospitalId?: unknown }).hospitalId;
  return typeof value === 'string' && /^[0-9a-f-]{36}$/i.test(value) ? value : undefined;
}
