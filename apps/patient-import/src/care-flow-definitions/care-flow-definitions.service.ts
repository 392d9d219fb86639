import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Bus } from '@bridge/messaging';
import {
  DomainError,
  type CareFlowDefinitionInputV1,
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
    const keys = input.baseline.map((field) => field.key);
    if (new Set(keys).size !== keys.length) {
      throw new DomainError('VALIDATION_FAILED', 'Baseline field keys must be unique.', {
        errors: [{ field: 'baseline', message: 'baseline keys must be unique' }],
      });
    }
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

  async list(hospitalId: string): Promise<CareFlowDefinitionViewV1[]> {
    return (await this.definitions.find({ where: { hospitalId }, order: { key: 'ASC' } })).map(toDefinitionView);
  }

  async get(hospitalId: string, key: string): Promise<CareFlowDefinitionViewV1> {
    const definition = await this.definitions.findOneBy({ hospitalId, key });
    if (!definition) {
      throw new DomainError('CARE_FLOW_DEFINITION_NOT_FOUND', `No care-flow definition ${key} in this hospital.`);
    }
    return toDefinitionView(definition);
  }
}

function toDefinitionView(definition: CareFlowDefinition): CareFlowDefinitionViewV1 {
  return {
    id: definition.id,
    hospitalId: definition.hospitalId,
    key: definition.key,
    title: definition.title,
    baseline: definition.baseline,
    createdAt: definition.createdAt.toISOString(),
  };
}
