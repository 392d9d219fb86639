import type { UserRole } from '@bridge/contracts';

/** One of the user's e-mail addresses as the IdP sent it (SCIM `emails`). */
export interface UserEmail {
  value: string;
  type?: string;
  primary?: boolean;
  display?: string;
}
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'users' })
@Index('users_hospital_email_lookup', ['hospitalId', 'emailLower'])
@Index('users_hospital_user_id', ['hospitalId', 'hospitalUserId'], {
  unique: true,
  where: 'hospital_user_id IS NOT NULL',
})
@Index('users_physician_code', ['hospitalId', 'physicianCode'], {
  unique: true,
  where: 'physician_code IS NOT NULL',
})
export class User {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') hospitalId: string;
  /** The SCIM userName: any string unique in the hospital (case-insensitively); the e-mail for REST users. */
  @Column('text') userName: string;
  /** The Care-app e-mail (sign-in, notifications); SCIM takes it from `emails`. Not unique. */
  @Column('text') email: string;
  /** E-mail addresses are compared case-insensitively; the original spelling is kept for display. */
  @Column('text') emailLower: string;
  @Column('text') firstName: string;
  @Column('text') lastName: string;
  /** What the user has: its direct roles and the roles its SCIM groups map to (see scim-group-roles). */
  @Column('text', { array: true }) roles: UserRole[];
  /** The roles set on the user itself (REST, SCIM `roles`, admin). */
  @Column('text', { array: true }) directRoles: UserRole[];
  /** SCIM profile attributes kept as sent (null: derived from the names and e-mail). */
  @Column({ type: 'text', nullable: true }) displayName: string | null;
  @Column({ type: 'text', nullable: true }) nameFormatted: string | null;
  @Column({ type: 'jsonb', nullable: true }) emails: UserEmail[] | null;
  @Column({ type: 'jsonb', nullable: true }) addresses: Record<string, unknown>[] | null;
  @Column({ type: 'text', nullable: true }) hospitalUserId: string | null;
  @Column({ type: 'text', nullable: true }) physicianCode: string | null;
  @Column({ type: 'text', nullable: true }) preferredLanguage: string | null;
  @Column({ type: 'text', nullable: true }) passwordHash: string | null;
  @Column({ type: 'boolean', default: true }) active: boolean;
  /** Bumped to revoke every session and login token the user holds (see the migration). */
  @Column({ type: 'integer', default: 0 }) sessionVersion: number;
  /** Deleted through REST or SCIM: kept (care flows name it) and inactive; SCIM answers 404 for it. */
  @Column({ type: 'timestamptz', nullable: true }) deletedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
