import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Care-flow definitions can be deactivated: no new care flow starts with one; running ones go on. */
export class CareFlowDefinitionActive1796229270229 implements MigrationInterface {
  readonly name = 'CareFlowDefinitionActive1796229270229';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE patient_import.care_flow_definitions ADD COLUMN active boolean NOT NULL DEFAULT true`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE patient_import.care_flow_definitions DROP COLUMN active`);
  }
}
