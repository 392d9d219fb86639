import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SCIM as RFC 7643 has it: userName is any unique string (the Care-app e-mail is taken from `emails` and
 * may be shared), the SCIM profile the IdP sends is kept (display name, formatted name, every e-mail,
 * addresses), and Groups map to Care-app roles. `roles` stays what the user effectively has (read by
 * sessions and tokens); `direct_roles` holds the roles set on the user itself, so that leaving a group
 * takes away only what the group gave.
 */
export class ScimIdentitiesAndGroups1796217716640 implements MigrationInterface {
  readonly name = 'ScimIdentitiesAndGroups1796217716640';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE user_provisioning.users
        ADD COLUMN user_name text,
        ADD COLUMN display_name text,
        ADD COLUMN name_formatted text,
        ADD COLUMN emails jsonb,
        ADD COLUMN addresses jsonb,
        ADD COLUMN direct_roles text[]`);
    await runner.query(`UPDATE user_provisioning.users SET user_name = email, direct_roles = roles`);
    await runner.query(`
      ALTER TABLE user_provisioning.users
        ALTER COLUMN user_name SET NOT NULL,
        ALTER COLUMN direct_roles SET NOT NULL`);
    await runner.query(
      `CREATE UNIQUE INDEX users_hospital_user_name ON user_provisioning.users (hospital_id, lower(user_name))`,
    );
    // Two accounts may share a mailbox (an IdP whose userName is the employee id allows it): the e-mail
    // is looked up, no longer unique.
    await runner.query(`DROP INDEX user_provisioning.users_hospital_email`);
    await runner.query(
      `CREATE INDEX users_hospital_email_lookup ON user_provisioning.users (hospital_id, email_lower)`,
    );

    await runner.query(`
      CREATE TABLE user_provisioning.scim_groups (
        id uuid PRIMARY KEY,
        hospital_id uuid NOT NULL REFERENCES user_provisioning.hospitals (id),
        display_name text NOT NULL,
        external_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Role mappings name groups by displayName: two groups of one hospital cannot share it.
    await runner.query(
      `CREATE UNIQUE INDEX scim_groups_display_name ON user_provisioning.scim_groups (hospital_id, lower(display_name))`,
    );
    await runner.query(`CREATE UNIQUE INDEX scim_groups_external_id ON user_provisioning.scim_groups (hospital_id, external_id)
      WHERE external_id IS NOT NULL`);
    await runner.query(`
      CREATE TABLE user_provisioning.scim_group_members (
        group_id uuid NOT NULL REFERENCES user_provisioning.scim_groups (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES user_provisioning.users (id),
        PRIMARY KEY (group_id, user_id)
      )`);
    await runner.query(
      `CREATE INDEX scim_group_members_user ON user_provisioning.scim_group_members (user_id)`,
    );
    await runner.query(`
      CREATE TABLE user_provisioning.scim_group_roles (
        hospital_id uuid NOT NULL REFERENCES user_provisioning.hospitals (id),
        group_key text NOT NULL,
        role text NOT NULL,
        PRIMARY KEY (hospital_id, group_key, role)
      )`);

    // Group changes are audited too: a record names a user, a group, or both.
    await runner.query(`
      ALTER TABLE user_provisioning.audit_log
        ALTER COLUMN user_id DROP NOT NULL,
        ADD COLUMN group_id uuid`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM user_provisioning.audit_log WHERE user_id IS NULL`);
    await runner.query(`
      ALTER TABLE user_provisioning.audit_log
        DROP COLUMN group_id,
        ALTER COLUMN user_id SET NOT NULL`);
    await runner.query(`DROP TABLE user_provisioning.scim_group_roles`);
    await runner.query(`DROP TABLE user_provisioning.scim_group_members`);
    await runner.query(`DROP TABLE user_provisioning.scim_groups`);
    await runner.query(`DROP INDEX user_provisioning.users_hospital_email_lookup`);
    await runner.query(
      `CREATE UNIQUE INDEX users_hospital_email ON user_provisioning.users (hospital_id, email_lower)`,
    );
    await runner.query(`DROP INDEX user_provisioning.users_hospital_user_name`);
    await runner.query(`
      ALTER TABLE user_provisioning.users
        DROP COLUMN user_name,
        DROP COLUMN display_name,
        DROP COLUMN name_formatted,
        DROP COLUMN emails,
        DROP COLUMN addresses,
        DROP COLUMN direct_roles`);
  }
}
