/**
 * Every validation a test makes in this process is also made by class-validator itself, and the two must
 * agree: a plan that accepts what class-validator refuses would let a bad payload in (libs/contracts
 * validation-plan.ts). A plan stricter than class-validator only costs time, but is a defect too. Likewise
 * every payload instance built from a plan (payload-instances.ts) must be the one class-transformer builds:
 * the same classes, keys, order and values. The suites' payloads, valid and refused, are the corpus; a
 * disagreement fails the test file. Only this process's validations are seen: a service a test starts as a
 * child process validates unchecked.
 */
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { PayloadInstances } from '../../libs/contracts/src/payload-instances';
import { differenceBetween } from '../../libs/contracts/src/payload-instances.spec-helpers';
import { ValidationPlans, VALIDATOR_OPTIONS } from '../../libs/contracts/src/validation-plan';

const disagreements: string[] = [];
const planned = ValidationPlans.prototype.accepts;

ValidationPlans.prototype.accepts = function crossChecked(this: ValidationPlans, instance: object) {
  const verdict = planned.call(this, instance);
  if (verdict !== undefined) {
    const accepted = validateSync(instance, VALIDATOR_OPTIONS).length === 0;
    if (verdict !== accepted) {
      disagreements.push(
        `${instance.constructor?.name}: the plan says ${verdict}, class-validator ${accepted} for ${safeJson(instance)}`,
      );
    }
  }
  return verdict;
};

const instantiate = PayloadInstances.prototype.instantiate;

PayloadInstances.prototype.instantiate = function crossChecked<T extends object>(
  this: PayloadInstances,
  payloadClass: new () => T,
  plain: object,
): T | undefined {
  // On a copy: class-transformer may change its source (a discriminator property), the plan must not see that.
  const expected = plainToInstance(payloadClass, copyOf(plain));
  const built = instantiate.call(this, payloadClass, plain) as T | undefined;
  const difference = built === undefined ? undefined : differenceBetween(built, expected, payloadClass.name);
  if (difference) disagreements.push(`${difference} for ${safeJson(plain)}`);
  return built;
};

/**
 * A deep copy of arrays and plain objects (own keys, `__proto__` included, as JSON.parse makes them); other
 * values shared. Not structuredClone: under Jest its copies belong to another realm (another Object).
 */
function copyOf<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyOf) as T;
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype)
    return value;
  const copy = {};
  for (const key of Object.keys(value)) {
    const property = {
      value: copyOf((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    };
    Object.defineProperty(copy, key, property);
  }
  return copy as T;
}

afterAll(() => {
  expect(disagreements).toEqual([]);
});

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value).slice(0, 500);
  } catch {
    return '(unprintable)';
  }
}
