import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  DEFAULT_HOSPITAL_TIMEZONE,
  DomainError,
  type HospitalInputV1,
  type HospitalPatchV1,
  type HospitalViewV1,
} from '@bridge/contracts';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { isUniqueViolation } from '@bridge/database';
import { Hospital } from './hospital.entity';

@Injectable()
export class HospitalsService {
  constructor(@InjectRepository(Hospital) private readonly hospitals: Repository<Hospital>) {}

  async create(input: HospitalInputV1): Promise<HospitalViewV1> {
    try {
      const hospital = await this.hospitals.save(
        this.hospitals.create({
          id: randomUUID(),
          ...input,
          timezone: input.timezone ?? DEFAULT_HOSPITAL_TIMEZONE,
        }),
      );
      return toView(hospital);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('HOSPITAL_KEY_TAKEN', `Hospital key ${input.key} is taken.`);
      throw error;
    }
  }

  async list(): Promise<HospitalViewV1[]> {
    return (await this.hospitals.find({ order: { createdAt: 'ASC' } })).map(toView);
  }

  async get(hospitalId: string): Promise<HospitalViewV1> {
    const hospital = await this.hospitals.findOneBy({ id: hospitalId });
    if (!hospital) throw new DomainError('HOSPITAL_NOT_FOUND', 'No such hospital.');
    return toView(hospital);
  }

  async update(hospitalId: string, patch: HospitalPatchV1): Promise<HospitalViewV1> {
    const hospital = await this.hospitals.findOneBy({ id: hospitalId });
    if (!hospital) throw new DomainError('HOSPITAL_NOT_FOUND', 'No such hospital.');
    if (patch.name !== undefined) hospital.name = patch.name;
    if (patch.timezone !== undefined) hospital.timezone = patch.timezone;
    return toView(await this.hospitals.save(hospital));
  }

  async findByKey(key: string): Promise<HospitalViewV1 | undefined> {
    const hospital = await this.hospitals.findOneBy({ key });
    return hospital ? toView(hospital) : undefined;
  }
}

function toView(hospital: Hospital): HospitalViewV1 {
  return {
    id: hospital.id,
    key: hospital.key,
    name: hospital.name,
    timezone: hospital.timezone,
    createdAt: hospital.createdAt.toISOString(),
  };
}
