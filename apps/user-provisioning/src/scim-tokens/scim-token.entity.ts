import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A static bearer secret for an IdP's SCIM client (Entra ID's "Secret Token"): scope `scim`, one hospital. */
@Entity({ name: 'scim_tokens' })
export class ScimToken {
  @PrimaryColumn('uuid') id: string;
  @Index() @Column('uuid') hospitalId: string;
  @Column({ type: 'text', nullable: true }) name: string | null;
  /** SHA-256 of the token (256-bit random): the token itself is never stored. */
  @Column({ type: 'text', unique: true }) tokenHash: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) revokedAt: Date | null;
}
