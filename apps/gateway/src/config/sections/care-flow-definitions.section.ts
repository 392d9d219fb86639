import { Injectable } from '@nestjs/common';
import { CareFlowDefinitionInputV1, DomainError, validatePayload, type FieldError } from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import type { ConfigSection } from '../config-section';

type Definition = Pick<CareFlowDefinitionInputV1, 'key' | 'title' | 'baseline'>;

/**
 * `careFlowDefinitions`, sorted by key. Definitions can be added (as POST .../care-flow-definitions);
 * there is no API to change or delete one (care flows refer to them), so a document that does is refused.
 */
@Injectable()
export class CareFlowDefinitionsSection implements ConfigSection<Definition[]> {
  readonly path = 'careFlowDefinitions';
  readonly secretPaths = [];

  constructor(private readonly bus: Bus) {}

  async read(hospitalId: string): Promise<Definition[]> {
    const definitions = await this.bus.request('careflows.definition.list.v1', { hospitalId });
    return definitions
      .map(({ key, title, baseline }) => ({ key, title, baseline }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async check(_hospitalId: string, wanted: unknown, current: Definition[] | null): Promise<void> {
    if (!Array.isArray(wanted)) {
      throw new DomainError('VALIDATION_FAILED', 'careFlowDefinitions must be an array.', {
        errors: [{ field: '', message: 'careFlowDefinitions must be an array' }],
      });
    }
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    wanted.forEach((definition, index) => {
      try {
        const valid = validatePayload(CareFlowDefinitionInputV1, definition);
        if (seen.has(valid.key))
          errors.push({ field: `${index}.key`, message: `key ${valid.key} appears twice` });
        seen.add(valid.key);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const fieldErrors = error.details?.errors ?? [];
        errors.push(
          ...fieldErrors.map((e) => ({
            field: `${index}${e.field ? `.${e.field}` : ''}`,
            message: e.message,
          })),
        );
      }
    });
    if (errors.length > 0) {
      throw new DomainError('VALIDATION_FAILED', errors.map((e) => e.message).join('; '), { errors });
    }
    const wantedByKey = new Map(
      (wanted as Definition[]).map((definition, index) => [definition.key, { definition, index }]),
    );
    const unsupported: FieldError[] = [];
    for (const existing of current ?? []) {
      const match = wantedByKey.get(existing.key);
      if (!match) {
        unsupported.push({ field: '', message: `care-flow definition ${existing.key} cannot be removed` });
      } else if (JSON.stringify(normalised(match.definition)) !== JSON.stringify(normalised(existing))) {
        unsupported.push({
          field: `${match.index}`,
          message: `care-flow definition ${existing.key} cannot be changed, only added`,
        });
      }
    }
    if (unsupported.length > 0) {
      throw new DomainError('CONFIG_CHANGE_UNSUPPORTED', unsupported.map((e) => e.message).join('; '), {
        errors: unsupported,
      });
    }
  }

  async write(hospitalId: string, wanted: Definition[], current: Definition[] | null): Promise<void> {
    const existing = new Set((current ?? []).map((definition) => definition.key));
    for (const definition of wanted) {
      if (existing.has(definition.key)) continue;
      await this.bus.request('careflows.definition.create.v1', {
        hospitalId,
        definition: validatePayload(CareFlowDefinitionInputV1, definition),
      });
    }
  }
}

function normalised(definition: Definition): Definition {
  return {
    key: definition.key,
    title: definition.title,
    baseline: definition.baseline.map(({ key, type, required }) => ({ key, type, required })),
  };
}
