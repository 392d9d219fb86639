import type { BaselineFieldType } from '@bridge/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'care_flow_definitions' })
export class CareFlowDefinition {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') hospitalId: string;
  @Column('text') key: string;
  @Column('text') title: string;
  @Column('jsonb') baseline: { key: string; type: BaselineFieldType; required: boolean }[];
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
