import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  DomainError,
  type ActorV1,
  type AdminUserInputV1,
  type AuditEntryV1,
  type ProvisionedUserV1,
  type UserInputV1,
  type UserPatchV1,
  type UserViewV1,
} from '@bridge/contracts';
import { DataSource, Repository } from 'typeorm';
import { AuditLog } from '../audit/audit-log';
import { HospitalsService } from '../hospitals/hospitals.service';
import { PasswordHasher } from './password-hasher';
import { User } from './user.entity';
import { toUserView } from './user-view';
import { UsersRepository } from './users.repository';
import { UsersWriter } from './users.writer';

/** Calls that predate the actor field come from the platform-admin API. */
const PLATFORM_ADMIN: ActorV1 = { kind: 'client', subject: 'platform-admin' };
const LIST_LIMIT = 1000;

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(User) private readonly entities: Repository<User>,
    private readonly users: UsersRepository,
    private readonly writer: UsersWriter,
    private readonly audit: AuditLog,
    private readonly hospitals: HospitalsService,
    private readonly passwords: PasswordHasher,
  ) {}

  /** Platform admin: a new user, optionally with a password; any taken unique key is a 409. */
  async create(
    hospitalId: string,
    input: AdminUserInputV1,
    actor: ActorV1 = PLATFORM_ADMIN,
  ): Promise<UserViewV1> {
    await this.hospitals.get(hospitalId);
    // Hashed before the transaction: scrypt takes tens of milliseconds, a pooled connection should not wait.
    const passwordHash = input.password ? await this.passwords.hash(input.password) : null;
    return this.dataSource.transaction(async (manager) => {
      const result = await this.writer.create(
        manager,
        hospitalId,
        { ...fieldsOf(input), passwordHash },
        { actor, channel: 'admin' },
      );
      if (!result.created) {
        throw new DomainError('USER_EMAIL_TAKEN', 'A user with this e-mail or hospital user id exists.');
      }
      return toUserView(result.user);
    });
  }

  /**
   * POST /v1/users: creates the user, or answers with the one the hospital already provisioned — found by
   * hospitalUserId when given, else by e-mail — unchanged, except that an e-mail match without a
   * hospitalUserId adopts the one sent, so the next call finds it by id.
   */
  async provision(hospitalId: string, actor: ActorV1, input: UserInputV1): Promise<ProvisionedUserV1> {
    return this.dataSource.transaction(async (manager) => {
      const existing = await this.writer.match(manager, hospitalId, input);
      if (existing) {
        const linked =
          input.hospitalUserId && !existing.hospitalUserId
            ? await this.writer.change(
                manager,
                existing,
                { hospitalUserId: input.hospitalUserId },
                { actor, channel: 'rest' },
              )
            : existing;
        return { created: false, user: toUserView(linked) };
      }
      const result = await this.writer.create(manager, hospitalId, fieldsOf(input), {
        actor,
        channel: 'rest',
      });
      return { created: result.created, user: toUserView(result.user) };
    });
  }

  async find(hospitalId: string, filter: { email?: string }): Promise<UserViewV1[]> {
    return (await this.users.list(this.dataSource.manager, hospitalId, filter, LIST_LIMIT)).map(toUserView);
  }

  async get(hospitalId: string, userId: string): Promise<UserViewV1> {
    return toUserView(await this.existing(hospitalId, userId));
  }

  async update(hospitalId: string, actor: ActorV1, userId: string, patch: UserPatchV1): Promise<UserViewV1> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.users.findById(manager, hospitalId, userId, { forUpdate: true });
      if (!current) throw notFound();
      return toUserView(await this.writer.change(manager, current, patch, { actor, channel: 'rest' }));
    });
  }

  /** DELETE: the row stays (care flows may name it), inactive; its sessions and login tokens stop working. */
  async deactivate(hospitalId: string, actor: ActorV1, userId: string): Promise<UserViewV1> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.users.findById(manager, hospitalId, userId, { forUpdate: true });
      if (!current) throw notFound();
      const user = await this.writer.change(
        manager,
        current,
        { active: false },
        { actor, channel: 'rest' },
        { delete: true },
      );
      return toUserView(user);
    });
  }

  async auditOf(hospitalId: string, userId: string): Promise<AuditEntryV1[]> {
    await this.existing(hospitalId, userId);
    return this.audit.listForUser(this.dataSource.manager, hospitalId, userId);
  }

  /** Physicians are the active users the hospital's messages can name by physician code. */
  async listPhysicians(hospitalId: string): Promise<UserViewV1[]> {
    const users = await this.entities
      .createQueryBuilder('user')
      .where('user.hospital_id = :hospitalId', { hospitalId })
      .andWhere('user.active')
      .andWhere(`(user.physician_code IS NOT NULL OR 'physician' = ANY(user.roles))`)
      .orderBy('user.last_name')
      .addOrderBy('user.first_name')
      .getMany();
    return users.map(toUserView);
  }

  async resolvePhysician(
    hospitalId: string,
    by: { physicianId?: string; physicianCode?: string },
  ): Promise<UserViewV1> {
    const user = by.physicianId
      ? await this.entities.findOneBy({ hospitalId, id: by.physicianId, active: true })
      : await this.entities.findOneBy({ hospitalId, physicianCode: by.physicianCode, active: true });
    if (!user) throw new DomainError('PHYSICIAN_NOT_FOUND', 'No active physician matches in this hospital.');
    return toUserView(user);
  }

  private async existing(hospitalId: string, userId: string): Promise<User> {
    const user = await this.users.findById(this.dataSource.manager, hospitalId, userId);
    if (!user) throw notFound();
    return user;
  }
}

function fieldsOf(input: UserInputV1) {
  return {
    email: input.email,
    firstName: input.firstName,
    lastName: input.lastName,
    roles: input.roles,
    hospitalUserId: input.hospitalUserId ?? null,
    physicianCode: input.physicianCode ?? null,
    preferredLanguage: input.preferredLanguage ?? null,
    active: true,
  };
}

function notFound(): DomainError {
  return new DomainError('USER_NOT_FOUND', 'No such user in this hospital.');
}
