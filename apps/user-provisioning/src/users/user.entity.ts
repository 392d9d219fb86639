import type { UserRole } from '@bridge/contracts';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'users' })
@Index('users_hospital_email', ['hospitalId', 'emailLower'], { unique: true })
@Index('users_hospital_user_id', ['hospitalId', 'hospitalUserId'], { unique: true, where: 'hospital_user_id IS NOT NULL' })
@Index('users_physician_code', ['hospitalId', 'physicianCode'], { unique: true, where: 'physician_code IS NOT NULL' })
export class User {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') hospitalId: string;
  @Column('text') email: string;
  /** E-mail addresses are compared case-insensitively; the original spelling is kept for display. */
  @Column('text') emailLower: string;
  @Column('text') firstName: string;
  @Column('text') lastName: string;
  @Column('text', { array: true }) roles: UserRole[];
  @Column({ type: 'text', nullable: true }) hospitalUserId: string | null;
  @Column({ type: 'text', nullable: true }) physicianCode: string | null;
  @Column({ type: 'text', nullable: true }) passwordHash: string | null;
  @Column({ type: 'boolean', default: true }) active: boolean;
  /** Bumped to revoke every session and login token the user holds (see the migration). */
  @Column({ type: 'integer', default: 0 }) sessionVersion: number;
  /** Deleted through REST or SCIM: kept (care flows name it) and inactive; SCIM answers 404 for it. */
  @Column({ type: 'timestamptz', nullable: true }) deletedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
