import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  type ActorV1,
  type ConfigApplyResultV1,
  type ConfigChangeV1,
  type FieldError,
  type HospitalConfigV1,
} from '@bridge/contracts';
import { canonical, diff } from './config-diff';
import { CONFIG_SECTIONS, type ConfigSection } from './config-section';

/** The document's own format version; a document without it is taken as this one. */
const DOCUMENT_VERSION = 1;

interface Planned {
  section: ConfigSection;
  current: unknown;
  wanted: unknown;
  changes: ConfigChangeV1[];
}

/**
 * Export, dry run and apply of a hospital's whole configuration (PRODUCT.md "Configuration as code").
 * Apply is all or nothing: every changed section is checked first exactly as its own PUT would check it
 * (the services' dry runs), nothing is written unless all pass; if a write then fails (the broker or a
 * database gone mid-way), the sections already written are put back as they were.
 */
@Injectable()
export class HospitalConfigService {
  private readonly logger = new Logger('HospitalConfigService');

  constructor(@Inject(CONFIG_SECTIONS) private readonly sections: ConfigSection[]) {}

  async export(hospitalId: string): Promise<HospitalConfigV1> {
    const document: Record<string, unknown> = { version: DOCUMENT_VERSION };
    const values = await Promise.all(this.sections.map((section) => section.read(hospitalId)));
    this.sections.forEach((section, index) => setAt(document, section.path, values[index]));
    return canonical(document) as HospitalConfigV1;
  }

  async apply(
    hospitalId: string,
    document: unknown,
    options: { dryRun: boolean; actor: ActorV1 },
  ): Promise<ConfigApplyResultV1> {
    this.assertShape(document);
    const plan = await this.plan(hospitalId, document);
    const changes = plan.flatMap((step) => step.changes);
    if (options.dryRun) return { dryRun: true, changes };
    const written: Planned[] = [];
    try {
      for (const step of plan) {
        await step.section.write(hospitalId, step.wanted, step.current, options.actor);
        written.push(step);
      }
    } catch (error) {
      await this.putBack(hospitalId, written, options.actor);
      throw error;
    }
    return { dryRun: false, changes };
  }

  /** Every section the document changes, checked; one error listing every refused field otherwise. */
  private async plan(hospitalId: string, document: Record<string, unknown>): Promise<Planned[]> {
    const plan: Planned[] = [];
    const problems: { code: DomainError['code']; errors: FieldError[] }[] = [];
    for (const section of this.sections) {
      const wanted = valueAt(document, section.path);
      if (wanted === undefined) continue; // a section the document leaves out is left as it is
      const current = await section.read(hospitalId);
      const secretPaths = section.secretPaths.map((path) => `${section.path}.${path}`);
      const changes = diff(current, wanted, secretPaths, `$.${section.path}`);
      if (changes.length === 0) continue;
      try {
        if (wanted === null && current !== null && !Array.isArray(current)) {
          throw new DomainError('CONFIG_CHANGE_UNSUPPORTED', `${section.path} cannot be removed.`, {
            errors: [{ field: '', message: `${section.path} cannot be removed, only changed` }],
          });
        }
        await section.check(hospitalId, wanted, current);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const errors = error.details?.errors?.length
          ? error.details.errors
          : [{ field: '', message: error.message }];
        problems.push({
          code: error.code,
          errors: errors.map((fieldError) => ({
            field: fieldError.field ? `${section.path}.${fieldError.field}` : section.path,
            message: fieldError.message,
          })),
        });
        continue;
      }
      plan.push({ section, current, wanted, changes });
    }
    if (problems.length > 0) {
      // Bad input first (400); otherwise the first refusal's own code (422 for unsupported changes, ...).
      const code = problems.some((p) => p.code === 'VALIDATION_FAILED')
        ? 'VALIDATION_FAILED'
        : problems[0].code;
      const errors = problems.flatMap((p) => p.errors);
      throw new DomainError(
        code,
        `Configuration not applied: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
        {
          errors,
        },
      );
    }
    return plan;
  }

  /**
   * After a failed write: the sections already written get their previous value back. Limits (no API for
   * them): a connection that did not exist stays, an added care-flow definition stays, and a secret
   * replaced by a new value keeps the new value.
   */
  private async putBack(hospitalId: string, written: Planned[], actor: ActorV1): Promise<void> {
    for (const step of [...written].reverse()) {
      if (step.current === null) continue;
      try {
        await step.section.write(hospitalId, step.current, step.wanted, actor);
      } catch (error) {
        this.logger.error({
          msg: 'could not put a configuration section back',
          section: step.section.path,
          hospitalId,
          error,
        });
      }
    }
  }

  private assertShape(document: unknown): asserts document is Record<string, unknown> {
    if (document === null || typeof document !== 'object' || Array.isArray(document)) {
      throw new DomainError('VALIDATION_FAILED', 'The configuration must be a JSON object.', {
        errors: [{ field: '', message: 'must be a JSON object' }],
      });
    }
    const known = new Set(['version', ...this.sections.map((section) => section.path)]);
    const unknown: FieldError[] = [];
    for (const [key, value] of Object.entries(document as Record<string, unknown>)) {
      const nested = this.sections.some((section) => section.path.startsWith(`${key}.`));
      if (nested && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const inner of Object.keys(value)) {
          if (!known.has(`${key}.${inner}`))
            unknown.push({
              field: `${key}.${inner}`,
              message: `${key}.${inner} is not a configuration section`,
            });
        }
      } else if (nested || !known.has(key)) {
        unknown.push({
          field: key,
          message: nested ? `${key} must be an object` : `${key} is not a configuration section`,
        });
      }
    }
    const version = (document as Record<string, unknown>).version;
    if (version !== undefined && version !== DOCUMENT_VERSION) {
      unknown.push({ field: 'version', message: `version must be ${DOCUMENT_VERSION}` });
    }
    if (unknown.length > 0) {
      throw new DomainError('VALIDATION_FAILED', unknown.map((e) => e.message).join('; '), {
        errors: unknown,
      });
    }
  }
}

function valueAt(document: Record<string, unknown>, path: string): unknown {
  let node: unknown = document;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function setAt(document: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = document;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1]] = value;
}
