import { Expose, plainToInstance, Transform, Type } from 'class-transformer';
import { IsDefined, IsOptional, IsString, ValidateNested } from 'class-validator';
import { UpsertPatientRequestV1 } from './patients/patients.rpc.v1';
import { PayloadInstances } from './payload-instances';
import { differenceBetween } from './payload-instances.spec-helpers';

class Coding {
  @IsString() system!: string;
  @IsString() value!: string;
}

class Visit {
  @IsString() number!: string;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => Coding) codes?: Coding[][];
  @IsOptional() @IsDefined() notes?: unknown;

  /** A method: class-transformer never overwrites it with a key of the same name. */
  describe(): string {
    return this.number;
  }

  /** A getter without a setter: likewise kept. */
  get label(): string {
    return `visit ${this.number}`;
  }
}

class Admission {
  @IsString() hospital!: string;
  @ValidateNested() @Type(() => Visit) visit!: Visit;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => Visit) earlier?: Visit[];
  @IsOptional() @IsString() withDefault = 'default';
}

describe('PayloadInstances', () => {
  const instances = new PayloadInstances();
  const both = (payloadClass: new () => object, json: string) => ({
    built: instances.instantiate(payloadClass, JSON.parse(json) as object),
    expected: plainToInstance(payloadClass, JSON.parse(json) as object),
  });

  test.each([
    [
      'nested classes, arrays of them and arrays of arrays',
      {
        hospital: 'h',
        visit: { number: '1', codes: [[{ system: 'a', value: 'b' }], []] },
        earlier: [{ number: '0' }, { number: '-1', notes: { free: ['text', 1, null, true] } }],
      },
    ],
    [
      'primitives where a class is declared stay primitives',
      { hospital: 'h', visit: 'not an object', earlier: [1, null] },
    ],
    [
      'keys the class does not declare are copied, objects in them as plain objects',
      {
        hospital: 'h',
        visit: { number: '1', extra: { deep: [{ x: 1 }] } },
        unknown: { a: 1 },
      },
    ],
    ['an absent property keeps its initial value', { hospital: 'h', visit: { number: '2' } }],
  ])('%s: what class-transformer builds', (_case, payload) => {
    const { built, expected } = both(Admission, JSON.stringify(payload));
    expect(built).toBeInstanceOf(Admission);
    expect(differenceBetween(built, expected, 'payload')).toBeUndefined();
  });

  test('skips what class-transformer skips: __proto__, constructor, methods, getters, Object.prototype members', () => {
    const json =
      '{"hospital":"h","__proto__":{"polluted":true},"constructor":{"name":"x"},' +
      '"visit":{"number":"1","describe":"shadow","label":"shadow","toString":"shadow","__proto__":{"x":1}},' +
      '"earlier":[{"number":"2","hasOwnProperty":1}],"withDefault":"set"}';
    const { built, expected } = both(Admission, json);
    expect(differenceBetween(built, expected, 'payload')).toBeUndefined();
    const admission = built as Admission;
    expect(admission.visit.describe()).toBe('1');
    expect(admission.visit.label).toBe('visit 1');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(admission)).toBe(Admission.prototype);
  });

  test('a real contract: the push upsert', () => {
    const payload = {
      hospitalId: '0b9a3c1e-5d2f-4c8e-9a71-3f6b2d8e4c10',
      patient: {
        patientCode: '100001',
        firstName: 'Françoise',
        lastName: 'Dubois',
        address: { street: 'Rue 1', city: 'Liège', zip: '4000', country: 'BE' },
        identifiers: [{ system: 'NN', value: '83.12.25-001.53' }],
      },
    };
    const { built, expected } = both(UpsertPatientRequestV1, JSON.stringify(payload));
    expect(built).toBeDefined();
    expect(differenceBetween(built, expected, 'payload')).toBeUndefined();
  });

  describe('leaves to class-transformer (undefined)', () => {
    test('a class with @Transform, @Expose, or a @Type naming a built-in', () => {
      class Transformed {
        @IsString() @Transform(({ value }) => String(value).trim()) name!: string;
      }
      class Exposed {
        @IsString() @Expose({ name: 'full_name' }) name!: string;
      }
      class Dated {
        @IsDefined() @Type(() => Date) at!: Date;
      }
      for (const payloadClass of [Transformed, Exposed, Dated] as (new () => object)[]) {
        expect(instances.instantiate(payloadClass, { name: ' x ', at: '2026-01-01' })).toBeUndefined();
      }
    });

    test('a @Type function that reads its arguments, and a discriminator', () => {
      class ByArguments {
        @ValidateNested() @Type((options) => (options?.object ? Coding : Visit)) inner!: object;
      }
      class Discriminated {
        @ValidateNested()
        @Type(() => Object, {
          discriminator: { property: 'kind', subTypes: [{ name: 'coding', value: Coding }] },
        })
        inner!: object;
      }
      expect(instances.instantiate(ByArguments, { inner: {} })).toBeUndefined();
      expect(instances.instantiate(Discriminated, { inner: { kind: 'coding' } })).toBeUndefined();
    });

    test('a value JSON cannot hold, or an object of another prototype', () => {
      expect(
        instances.instantiate(Admission, { hospital: 'h', visit: { number: '1', notes: new Date() } }),
      ).toBeUndefined();
      expect(instances.instantiate(Admission, { hospital: 'h', visit: new Map() })).toBeUndefined();
      expect(
        instances.instantiate(Admission, { hospital: 'h', visit: Object.create(null) as object }),
      ).toBeUndefined();
    });

    test('an undeclared key that class-transformer has a type for', () => {
      class TypedButNotValidated {
        @IsString() name!: string;
        @Type(() => Coding) coding?: Coding;
      }
      expect(instances.instantiate(TypedButNotValidated, { name: 'n' })).toBeInstanceOf(TypedButNotValidated);
      expect(instances.instantiate(TypedButNotValidated, { name: 'n', coding: {} })).toBeUndefined();
    });
  });

  test('metadata registered after a class was planned applies from then on', () => {
    class Late {
      @IsString() name!: string;
    }
    expect(instances.instantiate(Late, { name: 'n' })).toBeInstanceOf(Late);
    Transform(({ value }) => value)(Late.prototype, 'name');
    expect(instances.instantiate(Late, { name: 'n' })).toBeUndefined();
  });
});
