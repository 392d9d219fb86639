import type { User } from './user.entity';
import { planChange } from './user-changes';

const user = {
  id: 'u',
  hospitalId: 'h',
  email: 'a@h.example',
  firstName: 'A',
  lastName: 'B',
  roles: ['clinician', 'hospital-admin'],
  hospitalUserId: null,
  physicianCode: 'P1',
  active: true,
  deletedAt: null,
} as unknown as User;

describe('planChange', () => {
  it('changes only what differs (roles as a set) and audits nothing when nothing differs', () => {
    expect(
      planChange(user, { firstName: 'A', roles: ['hospital-admin', 'clinician'], active: true }),
    ).toEqual({ update: {}, fields: [] });
    expect(planChange(user, { lastName: 'C', physicianCode: null })).toEqual({
      update: { lastName: 'C', physicianCode: null },
      fields: ['lastName', 'physicianCode'],
      action: 'user.updated',
    });
  });

  it('revokes sessions on deactivation and when a role that granted a scope is taken away, not when one is added', () => {
    expect(planChange(user, { active: false })).toMatchObject({
      action: 'user.deactivated',
      update: { active: false, revokeSessions: true },
    });
    expect(planChange(user, { roles: ['clinician'] }).update.revokeSessions).toBe(true);
    expect(
      planChange(user, { roles: ['clinician', 'hospital-admin', 'physician'] }).update.revokeSessions,
    ).toBeUndefined();
    expect(
      planChange({ ...user, roles: ['clinician'] } as User, { roles: ['physician'] }).update.revokeSessions,
    ).toBeUndefined();
  });

  it('deletes (deactivated and hidden), and reactivation undoes a deletion', () => {
    const deleted = planChange(user, { active: false }, { delete: true });
    expect(deleted).toMatchObject({ action: 'user.deactivated', fields: ['active', 'deleted'] });
    expect(deleted.update.deletedAt).toBeInstanceOf(Date);
    const gone = { ...user, active: false, deletedAt: new Date() } as User;
    expect(planChange(gone, { active: false }, { delete: true })).toEqual({ update: {}, fields: [] });
    expect(planChange(gone, { active: true })).toMatchObject({
      action: 'user.reactivated',
      update: { active: true, deletedAt: null },
    });
    expect(planChange(gone, { active: false }, { restore: true })).toMatchObject({
      update: { deletedAt: null },
      fields: ['restored'],
    });
  });
});
