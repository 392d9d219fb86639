import { SCIM_SCHEMAS } from '@bridge/contracts';
import { parseFilter } from './filter/scim-filter-grammar';
import { filterToSql, type FilterableAttributes, type SqlCondition } from './filter/scim-filter-sql';

const FULL_NAME = `trim(first_name || ' ' || last_name)`;
/** The e-mails SCIM shows: the list the IdP set, else the Care-app e-mail as the primary work address. */
const EMAILS = `COALESCE(emails, jsonb_build_array(jsonb_build_object('value', email, 'type', 'work', 'primary', true)))`;

/**
 * The User attributes a filter may name (those the Schemas endpoint advertises), over the columns of
 * user_provisioning.users. Case-insensitive unless caseExact, as RFC 7643 declares them.
 */
export const USER_FILTER_ATTRIBUTES: FilterableAttributes = {
  id: { type: 'string', sql: 'id::text' },
  externalid: { type: 'string', sql: 'hospital_user_id', caseExact: true },
  username: { type: 'string', sql: 'user_name' },
  displayname: { type: 'string', sql: `COALESCE(display_name, ${FULL_NAME})` },
  'name.givenname': { type: 'string', sql: 'first_name' },
  'name.familyname': { type: 'string', sql: 'last_name' },
  'name.formatted': { type: 'string', sql: `COALESCE(name_formatted, ${FULL_NAME})` },
  active: { type: 'boolean', sql: 'active' },
  emails: {
    type: 'multi',
    sql: EMAILS,
    subs: {
      value: { type: 'string' },
      type: { type: 'string' },
      primary: { type: 'boolean' },
      display: { type: 'string' },
    },
  },
  roles: {
    type: 'multi',
    sql: `(SELECT jsonb_agg(jsonb_build_object('value', role)) FROM unnest(direct_roles) AS role)`,
    subs: { value: { type: 'string' } },
  },
  'meta.created': { type: 'dateTime', sql: 'created_at' },
  'meta.lastmodified': { type: 'dateTime', sql: 'updated_at' },
  [`${SCIM_SCHEMAS.enterpriseUser.toLowerCase()}:employeenumber`]: {
    type: 'string',
    sql: 'physician_code',
    caseExact: true,
  },
};

/** A Users filter (RFC 7644 §3.4.2.2) as a SQL condition whose placeholders start at `firstParameter`. */
export function userFilterToSql(filter: string, firstParameter: number): SqlCondition {
  return filterToSql(
    parseFilter(filter, [SCIM_SCHEMAS.user, SCIM_SCHEMAS.enterpriseUser]),
    USER_FILTER_ATTRIBUTES,
    firstParameter,
  );
}
