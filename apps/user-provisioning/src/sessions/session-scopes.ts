import type { Scope, UserRole } from '@bridge/contracts';

/**
 * What a clinical user's Care app session may do. Every role works with patients, care flows and pull
 * imports (PRODUCT.md: "hospital API client or clinical user"); hospital admins also manage their
 * hospital's users. Never `scim` (an IdP credential) nor `admin` (platform staff).
 */
const CLINICAL_SCOPES: Scope[] = ['patients:read', 'patients:write', 'careflows:write', 'imports'];

export function scopesForRoles(roles: readonly UserRole[]): Scope[] {
  return roles.includes('hospital-admin') ? [...CLINICAL_SCOPES, 'users:write'] : [...CLINICAL_SCOPES];
}

/** True when a session signed for `before` would carry a scope that `after` no longer grants. */
export function scopesShrink(before: readonly UserRole[], after: readonly UserRole[]): boolean {
  const kept = new Set(scopesForRoles(after));
  return scopesForRoles(before).some((scope) => !kept.has(scope));
}
