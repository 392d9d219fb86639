#!/bin/sh
# Runs once, when the postgres container initialises its data directory (docker-entrypoint-initdb.d),
# as the admin role (POSTGRES_USER). Each data service gets its own login role, not a superuser, owning
# its schema and nothing else: a compromised service cannot read another service's tables.
# Role names follow libs/database service-roles.ts: <database>_<schema>. Passwords come from the
# environment (docker/compose.yaml); the admin password is used by no service.
set -eu

create_role() {
  role="${POSTGRES_DB}_$1"
  password="$2"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v role="$role" -v password="$password" -v schema="$1" -v db="$POSTGRES_DB" <<'SQL'
CREATE ROLE :"role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS PASSWORD :'password';
GRANT CONNECT ON DATABASE :"db" TO :"role";
CREATE SCHEMA :"schema" AUTHORIZATION :"role";
REVOKE ALL ON SCHEMA :"schema" FROM PUBLIC;
SQL
}

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v db="$POSTGRES_DB" <<'SQL'
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
create_role user_provisioning "$USER_PROVISIONING_DB_PASSWORD"
create_role patient_import "$PATIENT_IMPORT_DB_PASSWORD"
create_role hl7_gateway "$HL7_GATEWAY_DB_PASSWORD"
create_role siu_ingestor "$SIU_INGESTOR_DB_PASSWORD"
create_role notifier "$NOTIFIER_DB_PASSWORD"
