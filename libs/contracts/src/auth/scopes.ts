export const SCOPES = [
  'patients:read',
  'patients:write',
  'careflows:write',
  'imports',
  'users:write',
  'scim',
  'webhooks',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

/** What a verified access token says about its caller. */
export interface Principal {
  kind: 'client' | 'user';
  subject: string;
  /** null only for platform-admin clients. */
  hospitalId: string | null;
  scopes: Scope[];
  /** User sessions only: the user's session version when signed; a newer one on the user revokes it. */
  sessionVersion?: number;
  /** User sessions only: this session's id (`sid`), which logout revokes. */
  sessionId?: string;
  /** When the token expires (seconds since the epoch). */
  expiresAt?: number;
}
