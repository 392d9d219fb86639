import { DomainError, WEEKDAYS, type AlertKind, type AlertRuleV1, type FieldError } from '@bridge/contracts';

/** The settings each kind takes, with their defaults; any other setting is refused (400). */
const DEFAULTS: { [K in AlertKind]: Omit<AlertRuleV1, 'kind'> } = {
  'dead-letters': {},
  'siu-file-missing': { graceMinutes: 30, closedDays: [], holidays: [] },
  'hospital-unreachable': { consecutiveFailures: 3 },
  'error-rate': { threshold: 0.5, windowMinutes: 15, minMessages: 10 },
  'listener-silent': {
    openingHours: '07:00-19:00',
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    silentMinutes: 60,
  },
};

/**
 * The rules as they will be stored: one per kind, only the settings of that kind, defaults filled in,
 * opening hours that open before they close. Throws VALIDATION_FAILED naming every bad field.
 */
export function normalizeRules(rules: AlertRuleV1[]): AlertRuleV1[] {
  const errors: FieldError[] = [];
  const seen = new Set<AlertKind>();
  const normalized = rules.map((rule, index) => {
    if (seen.has(rule.kind))
      errors.push({ field: `rules.${index}.kind`, message: `${rule.kind} is given twice` });
    seen.add(rule.kind);
    const defaults = DEFAULTS[rule.kind];
    for (const [field, value] of Object.entries(rule)) {
      if (field === 'kind' || value === undefined) continue;
      if (!(field in defaults))
        errors.push({ field: `rules.${index}.${field}`, message: `${rule.kind} takes no ${field}` });
    }
    const stored: AlertRuleV1 = { ...defaults, ...definedFields(rule), kind: rule.kind };
    if (stored.openingHours) {
      const [from, to] = stored.openingHours.split('-');
      if (from >= to)
        errors.push({ field: `rules.${index}.openingHours`, message: 'must open before it closes' });
    }
    if (stored.closedDays) stored.closedDays = WEEKDAYS.filter((day) => stored.closedDays!.includes(day));
    if (stored.days) stored.days = WEEKDAYS.filter((day) => stored.days!.includes(day));
    if (stored.holidays) stored.holidays = [...new Set(stored.holidays)].sort();
    return stored;
  });
  if (errors.length > 0)
    throw new DomainError('VALIDATION_FAILED', 'The alert rules are not valid.', { errors });
  return normalized.sort((a, b) => a.kind.localeCompare(b.kind));
}

function definedFields(rule: AlertRuleV1): Partial<AlertRuleV1> {
  return Object.fromEntries(Object.entries(rule).filter(([, value]) => value !== undefined));
}
