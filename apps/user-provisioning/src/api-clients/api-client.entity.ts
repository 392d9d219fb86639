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
  @Column({ type: 'boolean', default: true }) active: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
