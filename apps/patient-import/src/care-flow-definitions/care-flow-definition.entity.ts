import type { BaselineFieldType } from '@bridge/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'care_flow_definitions' })
export class CareFlowDefinition {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') hospitalId: string;
  @Column('text') key: string;
  @Column('text') title: string;
  @Column('jsonb') baseline: { key: string; type: BaselineFieldType; required: boolean }[];
  /** Deactivated: no new care flow starts with it; running ones go on. */
  @Column('boolean', { default: true }) active: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
