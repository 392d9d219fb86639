import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'hospitals' })
export class Hospital {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'text', unique: true }) key: string;
  @Column('text') name: string;
  @Column('text') timezone: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
