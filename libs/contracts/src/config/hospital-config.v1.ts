/**
 * A hospital's whole configuration as one document (PRODUCT.md "Operations", configuration as code):
 * `GET /v1/admin/hospitals/{id}/config` exports it, `PUT` (optionally `?dryRun=true`) applies it.
 * The document is made of sections (top-level keys, `connections.*` nested one level); each section is
 * read and written by one provider in the gateway (apps/gateway/src/config). Secrets are never exported:
 * a stored secret reads `{"secret": "set"}`, and that same value in an applied document keeps it.
 */

/** What a stored secret looks like in an exported document, and how an applied document keeps it. */
export interface SecretSetV1 {
  secret: 'set';
}

export const SECRET_SET: Readonly<SecretSetV1> = Object.freeze({ secret: 'set' });

export function isSecretSet(value: unknown): value is SecretSetV1 {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    (value as { secret?: unknown }).secret === 'set'
  );
}

/** The document: every section the platform knows, keyed as exported. */
export type HospitalConfigV1 = Record<string, unknown>;

/** One difference between the stored configuration and a document, by JSON path (`$.connections.hl7.port`). */
export interface ConfigChangeV1 {
  path: string;
  change: 'added' | 'removed' | 'changed';
  /** Absent for `added`; a secret shows as `{"secret": "set"}`, never its value. */
  from?: unknown;
  /** Absent for `removed`; a new secret shows as `{"secret": "new"}`, never its value. */
  to?: unknown;
}

/** The answer of `PUT .../config`: the changes (to apply, with dryRun; applied, without). */
export interface ConfigApplyResultV1 {
  dryRun: boolean;
  changes: ConfigChangeV1[];
}
