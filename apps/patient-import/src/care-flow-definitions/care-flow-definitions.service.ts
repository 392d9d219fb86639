import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Bus } from '@bridge/messaging';
import {
  DomainError,
  type CareFlowDefinitionInputV1,
  type CareFlowDefinitionPatchV1,
  type CareFlowDefinitionViewV1,
} from '@bridge/contracts';
import { isUniqueViolation } from '@bridge/database';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { CareFlowDefinition } from './care-flow-definition.entity';

@Injectable()
export class CareFlowDefinitionsService {
  constructor(
    @InjectRepository(CareFlowDefinition) private readonly definitions: Repository<CareFlowDefinition>,
    private readonly bus: Bus,
  ) {}

  async create(hospitalId: string, input: CareFlowDefinitionInputV1): Promise<CareFlowDefinitionViewV1> {
    await this.bus.requireHospital(hospitalId);
    assertUniqueBaselineKeys(input.baseline);
    try {
      const definition = await this.definitions.save(
        this.definitions.create({
          id: randomUUID(),
          hospitalId,
          key: input.key,
          title: input.title,
          baseline: input.baseline.map(({ key, type, required }) => ({ key, type, required })),
        }),
      );
      return toDefinitionView(definition);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('CARE_FLOW_DEFINITION_KEY_TAKEN', `Care-flow definition ${input.key} exists.`);
      }
      throw error;
    }
  }

  /** The definitions care flows may start with; with `includeInactive`, the deactivated ones too (the console). */
  async list(hospitalId: string, includeInactive = false): Promise<CareFlowDefinitionViewV1[]> {
    const where = includeInactive ? { hospitalId } : { hospitalId, active: true };
    return (await this.definitions.find({ where, order: { key: 'ASC' } })).map(toDefinitionView);
  }

  /** Title, baseline fields and active change; the key stays, since care flows name their definition by it. */
  async update(
    hospitalId: string,
    key: string,
    patch: CareFlowDefinitionPatchV1,
  ): Promise<CareFlowDefinitionViewV1> {
    const definition = await this.definitions.findOneBy({ hospitalId, key });
    if (!definition) throw new DomainError('NOT_FOUND', `No care-flow definition ${key} in this hospital.`);
    if (patch.baseline) assertUniqueBaselineKeys(patch.baseline);
    if (patch.title !== undefined) definition.title = patch.title;
    if (patch.baseline)
      definition.baseline = patch.baseline.map(({ key: field, type, required }) => ({
        key: field,
        type,
        required,
      }));
    if (patch.active !== undefined) definition.active = patch.active;
    return toDefinitionView(await this.definitions.save(definition));
  }

  async get(hospitalId: string, key: string): Promise<CareFlowDefinitionViewV1> {
    const definition = await this.definitions.findOneBy({ hospitalId, key });
    if (!definition) {
      throw new DomainError(
        'CARE_FLOW_DEFINITION_NOT_FOUND',
        `No care-flow definition ${key} in this hospital.`,
      );
    }
    return toDefinitionView(definition);
  }

  /** A definition a new care flow may start with: known and not deactivated. */
  async getActive(hospitalId: string, key: string): Promise<CareFlowDefinitionViewV1> {
    const definition = await this.get(hospitalId, key);
    if (definition.active === false) {
      throw new DomainError('CARE_FLOW_DEFINITION_NOT_FOUND', `Care-flow definition ${key} is deactivated.`);
    }
    return definition;
  }
}

function assertUniqueBaselineKeys(baseline: { key: string }[]): void {
  const keys = baseline.map((field) => field.key);
  if (new Set(keys).size !== keys.length) {
    throw new DomainError('VALIDATION_FAILED', 'Baseline field keys must be unique.', {
      errors: [{ field: 'baseline', message: 'baseline keys must be unique' }],
    });
  }
}

function toDefinitionView(definition: CareFlowDefinition): CareFlowDefinitionViewV1 {
  return {
    id: definition.id,
    hospitalId: definition.hospitalId,
    key: definition.key,
    title: definition.title,
    baseline: definition.baseline,
    active: definition.active,
    createdAt: definition.createdAt.toISOString(),
  };
}
