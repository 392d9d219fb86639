import type { ActorV1 } from '@bridge/contracts';

/**
 * One section of a hospital's configuration document (PRODUCT.md "Configuration as code"), read and
 * written through the same RPCs as its individual admin routes. A new section is one class implementing
 * this, listed in CONFIG_SECTION_CLASSES (config-sections.ts).
 */
export interface ConfigSection<T = unknown> {
  /** Where the section sits in the document: a top-level key, or `connections.<name>`. */
  readonly path: string;
  /** Dotted paths (inside the section) that hold secrets: exported as `{"secret": "set"}`, masked in diffs. */
  readonly secretPaths: readonly string[];
  /** The stored value; `null` when the hospital has none. Secrets as `{"secret": "set"}`. */
  read(hospitalId: string): Promise<T | null>;
  /**
   * Checks the wanted value exactly as the individual PUT would (including the service's own checks, by a
   * dry run) and stores nothing. Throws a DomainError whose field paths are relative to the section.
   */
  check(hospitalId: string, wanted: unknown, current: T | null): Promise<void>;
  /** Makes the stored value `wanted` (already checked; differs from `current`). */
  write(hospitalId: string, wanted: T, current: T | null, actor: ActorV1): Promise<void>;
}

export const CONFIG_SECTIONS = Symbol('CONFIG_SECTIONS');
