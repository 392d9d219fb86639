import type { UserViewV1 } from '@bridge/contracts';
import type { User } from './user.entity';

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
    ...(user.preferredLanguage ? { preferredLanguage: user.preferredLanguage } : {}),
    active: user.active,
    createdAt: user.createdAt.toISOString(),
  };
}
