import { getMetadataStorage, ValidationTypes, type ValidatorOptions } from 'class-validator';

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
type Metadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type Validator = ReturnType<MetadataStorage['getTargetValidatorConstraints']>[number]['instance'];
type PayloadClass = abstract new (...args: never[]) => unknown;

/** How validatePayload runs class-validator; the plans answer for exactly these options. */
export const VALIDATOR_OPTIONS: Readonly<ValidatorOptions> = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: false,
  stopAtFirstError: true,
};

interface PropertyPlan {
  name: string;
  /** @IsOptional and the like: the property is checked only when all of them hold. */
  conditions: ((object: object, value: unknown) => boolean)[];
  /**
   * Each rule with its validators, looked up once: class-validator looks each one up on every use, by a
   * linear search of its container (the default one, a singleton per validator class; ours never changes).
   */
  checks: { metadata: Metadata; validators: Validator[] }[];
  nested: boolean;
}

interface ClassPlan {
  known: Set<string>;
  properties: PropertyPlan[];
}

const PLANNED_TYPES = new Set<string>([
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.NESTED_VALIDATION,
]);

/**
 * Answers "would class-validator (with VALIDATOR_OPTIONS) find nothing wrong with this instance?" from
 * class-validator's own metadata, calling its own constraint functions, but without its bookkeeping on every
 * call (each property's rules filtered by type again, an error object built per property): a valid patient
 * costs 1.7 times less CPU to validate, 3 times less with its instance built by `PayloadInstances` (`npm run
 * bench -- validation`), and a push validates one twice (HTTP, then the bus).
 *
 * Only `true` is trusted. `false` sends the instance to class-validator, which words the errors, and
 * `undefined` (a rule this does not plan: groups, `always`, IS_DEFINED, an async answer) leaves the whole
 * decision to it. So a plan may be stricter than class-validator, never more lenient; the test suites
 * cross-check every validation they make (test/setup/validation-cross-check.ts).
 */
export class ValidationPlans {
  private plans = new WeakMap<object, ClassPlan | null>();

  constructor(private readonly storage: MetadataStorage = getMetadataStorage()) {
    // A rule registered late (a module loaded after the first validation) must not be missed.
    const register = storage.addValidationMetadata.bind(storage);
    storage.addValidationMetadata = (metadata) => {
      this.plans = new WeakMap();
      register(metadata);
    };
  }

  accepts(instance: object): boolean | undefined {
    try {
      return this.check(instance);
    } catch {
      // A constraint that throws throws again in class-validator, where the caller meets it as before.
      return undefined;
    }
  }

  /** class-validator's execute(): unknown properties refused, then each property by its rules. */
  private check(object: object): boolean | undefined {
    const plan = this.planOf(object.constructor);
    if (plan === null) return undefined;
    for (const key of Object.keys(object)) if (!plan.known.has(key)) return false;
    for (const property of plan.properties) {
      const value = (object as Record<string, unknown>)[property.name];
      if (!conditionsHold(property, object, value)) continue;
      for (const { metadata, validators } of property.checks) {
        for (const validator of validators) {
          const verdict = this.passes(object, value, metadata, validator);
          if (verdict !== true) return verdict;
        }
      }
      if (property.nested && value !== undefined) {
        const verdict = this.checkNested(value);
        if (verdict !== true) return verdict;
      }
    }
    return true;
  }

  /** ValidateNested: arrays, sets and maps element by element (undefined elements pass), objects by their class. */
  private checkNested(value: unknown): boolean | undefined {
    const elements = elementsOf(value);
    if (elements) {
      for (const element of elements) {
        if (element === undefined) continue;
        const verdict = this.checkNested(element);
        if (verdict !== true) return verdict;
      }
      return true;
    }
    return value instanceof Object ? this.check(value) : false;
  }

  /** One constraint on one property; `each` applies it to every element of an array, set or map. */
  private passes(
    object: object,
    value: unknown,
    metadata: Metadata,
    validator: Validator,
  ): boolean | undefined {
    const args = {
      targetName: object.constructor?.name,
      property: metadata.propertyName,
      object,
      value,
      constraints: metadata.constraints,
    };
    const elements = metadata.each ? elementsOf(value) : undefined;
    if (!elements) return verdictOf(validator.validate(value, args));
    for (const element of elements) {
      const verdict = verdictOf(validator.validate(element, args));
      if (verdict !== true) return verdict;
    }
    return true;
  }

  private planOf(target: unknown): ClassPlan | null {
    if (typeof target !== 'function') return null;
    let plan = this.plans.get(target);
    if (plan === undefined) this.plans.set(target, (plan = this.build(target as PayloadClass)));
    return plan;
  }

  private build(target: PayloadClass): ClassPlan | null {
    const metadatas = this.storage.getTargetValidationMetadatas(target, '', false, false, undefined);
    const grouped = this.storage.groupByPropertyName(metadatas);
    const properties: PropertyPlan[] = [];
    for (const [name, rules] of Object.entries(grouped)) {
      const property: PropertyPlan = { name, conditions: [], checks: [], nested: false };
      for (const metadata of rules) {
        const unusual = metadata.always || metadata.groups?.length || metadata.validateIf;
        if (!PLANNED_TYPES.has(metadata.type) || unusual) return null;
        if (metadata.type === ValidationTypes.CONDITIONAL_VALIDATION) {
          property.conditions.push(metadata.constraints[0] as PropertyPlan['conditions'][number]);
        } else if (metadata.type === ValidationTypes.NESTED_VALIDATION) {
          property.nested = true;
        } else {
          const constraints = this.storage.getTargetValidatorConstraints(metadata.constraintCls);
          if (constraints.some((constraint) => constraint.async)) return null;
          property.checks.push({
            metadata,
            validators: constraints.map((constraint) => constraint.instance),
          });
        }
      }
      properties.push(property);
    }
    return { known: new Set(Object.keys(grouped)), properties };
  }
}

/** class-validator's conditionalValidations: every condition (@IsOptional, @ValidateIf) must hold. */
function conditionsHold(property: PropertyPlan, object: object, value: unknown): boolean {
  for (const condition of property.conditions) if (!condition(object, value)) return false;
  return true;
}

/** The elements class-validator walks: an array's, a set's, a map's values; undefined for anything else. */
function elementsOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value as unknown[];
  return value instanceof Set || value instanceof Map ? Array.from(value.values()) : undefined;
}

/** A constraint's answer; a promise (an async rule used synchronously) is class-validator's to judge. */
function verdictOf(answer: unknown): boolean | undefined {
  return answer instanceof Promise ? undefined : Boolean(answer);
}
