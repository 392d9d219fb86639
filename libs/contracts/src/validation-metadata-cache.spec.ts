import { IsInt, IsString, ValidateNested, getMetadataStorage, validateSync } from 'class-validator';
import { Type } from 'class-transformer';
import { validatePayload } from './validation';

// Importing ./validation memoizes class-validator's global metadata storage, as every service does.
class Parent {
  @IsString() name!: string;
}
class Child extends Parent {
  @IsInt() age!: number;
}
class Holder {
  @ValidateNested({ each: true }) @Type(() => Child) children!: Child[];
}

const fields = (run: () => unknown): string[] => {
  try {
    run();
    return [];
  } catch (error) {
    return ((error as { details?: { errors: { field: string }[] } }).details?.errors ?? []).map(
      (e) => e.field,
    );
  }
};

describe('memoized validation metadata', () => {
  it('keeps the rules of a class and of the classes it extends, on every object validated', () => {
    const body = {
      children: [
        { name: 'a', age: 1 },
        { name: 2, age: 'x' },
        { name: 'c', age: 3 },
      ],
    };
    for (let round = 0; round < 3; round += 1) {
      expect(fields(() => validatePayload(Holder, body))).toEqual(['children.1.age', 'children.1.name']);
    }
    expect(fields(() => validatePayload(Holder, { children: [{ name: 'a', age: 1, extra: true }] }))).toEqual(
      ['children.0.extra'],
    );
  });

  it('enforces a rule registered after a class was validated, on that class and on the classes extending it', () => {
    class Late {
      @IsString() code!: string;
    }
    class LateChild extends Late {}
    const late = Object.assign(new Late(), { code: 'x', level: 'high' });
    const lateChild = Object.assign(new LateChild(), { code: 'x', level: 'high' });
    expect(validateSync(late)).toHaveLength(0);
    expect(validateSync(lateChild)).toHaveLength(0);
    IsInt()(Late.prototype, 'level');
    expect(validateSync(late).map((problem) => problem.property)).toEqual(['level']);
    expect(validateSync(lateChild).map((problem) => problem.property)).toEqual(['level']);
  });

  it('answers a repeated lookup from memory', () => {
    const storage = getMetadataStorage();
    const first = storage.getTargetValidationMetadatas(Child, '', false, false);
    expect(first.map((metadata) => metadata.propertyName).sort()).toEqual(['age', 'name']);
    expect(storage.getTargetValidationMetadatas(Child, '', false, false)).toBe(first);
    expect(storage.getTargetValidationMetadatas(Child, '', false, false, ['other'])).not.toBe(first);
  });
});
