import type { Scope } from '@bridge/contracts';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'api_clients' })
export class ApiClient {
  @PrimaryColumn('uuid') id: string;
  @Index() @Column('uuid') hospitalId: string;
  @Column('text') name: string;
  @Column({ type: 'text', unique: true }) clientId: string;
  /** SHA-256 of the secret: secrets are 256-bit random, so a fast hash is enough and the secret is never stored. */
  @Column('text') secretHash: string;
  @Column('text', { array: true }) scopes: Scope[];
  /** After a rotation: the old secret's hash, accepted until `previousSecretValidUntil`. */
  @Column({ type: 'text', nullable: true }) previousSecretHash: string | null;
  @Column({ type: 'timestamptz', nullable: true }) previousSecretValidUntil: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) secretRotatedAt: Date | null;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @Column({ type: 'timestamptz', nullable: true }) deactivatedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
