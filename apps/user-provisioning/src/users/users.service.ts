import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DomainError, type AdminUserInputV1, type UserViewV1 } from '@bridge/contracts';
import { isUniqueViolation } from '@bridge/database';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { HospitalsService } from '../hospitals/hospitals.service';
import { hashPassword } from './passwords';
import { User } from './user.entity';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hospitals: HospitalsService,
  ) {}

  async create(hospitalId: string, input: AdminUserInputV1): Promise<UserViewV1> {
    await this.hospitals.get(hospitalId);
    const user = this.users.create({
      id: randomUUID(),
      hospitalId,
      email: input.email,
      emailLower: input.email.toLowerCase(),
      firstName: input.firstName,
      lastName: input.lastName,
      roles: input.roles,
      hospitalUserId: input.hospitalUserId ?? null,
      physicianCode: input.physicianCode ?? null,
      passwordHash: input.password ? await hashPassword(input.password) : null,
    });
    try {
      return toUserView(await this.users.save(user));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('USER_EMAIL_TAKEN', 'A user with this e-mail, hospital user id or physician code exists.');
      }
      throw error;
    }
  }

  /** Physicians are the active users the hospital's messages can name by physician code. */
  async listPhysicians(hospitalId: string): Promise<UserViewV1[]> {
    const users = await this.users
      .createQueryBuilder('user')
      .where('user.hospital_id = :hospitalId', { hospitalId })
      .andWhere('user.active')
      .andWhere(`(user.physician_code IS NOT NULL OR 'physician' = ANY(user.roles))`)
      .orderBy('user.last_name')
      .addOrderBy('user.first_name')
      .getMany();
    return users.map(toUserView);
  }

  async resolvePhysician(hospitalId: string, by: { physicianId?: string; physicianCode?: string }): Promise<UserViewV1> {
    const user = by.physicianId
      ? await this.users.findOneBy({ hospitalId, id: by.physicianId, active: true })
      : await this.users.findOneBy({ hospitalId, physicianCode: by.physicianCode, active: true });
    if (!user) throw new DomainError('PHYSICIAN_NOT_FOUND', 'No active physician matches in this hospital.');
    return toUserView(user);
  }
}

export function toUserView(user: User): UserViewV1 {
  return {
    id: user.id,
    hospitalId: user.hospitalId,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    roles: user.roles,
    ...(user.hospitalUserId ? { hospitalUserId: user.hospitalUserId } : {}),
    ...(user.physicianCode ? { physicianCode: user.physicianCode } : {}),
    active: user.active,
    createdAt: user.createdAt.toISOString(),
  };
}
