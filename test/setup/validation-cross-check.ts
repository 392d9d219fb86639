/**
 * Every validation a test makes in this process is also made by class-validator itself, and the two must
 * agree: a plan that accepts what class-validator refuses would let a bad payload in (libs/contracts
 * validation-plan.ts). A plan stricter than class-validator only costs time, but is a defect too. The
 * suites' payloads, valid and refused, are the corpus; a disagreement fails the test file. Only this
 * process's validations are seen: a service a test starts as a child process validates unchecked.
 */
import { validateSync } from 'class-validator';
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
