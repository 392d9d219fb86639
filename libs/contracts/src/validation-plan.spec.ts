import { plainToInstance, Type } from 'class-transformer';
import {
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { CareFlowDefinitionInputV1 } from './care-flows/care-flow-definition.v1';
import { PatientInputV1 } from './patients/patient-input.v1';
import { UserInputV1, UserPatchV1 } from './users/user.v1';
import { ValidationPlans, VALIDATOR_OPTIONS } from './validation-plan';

const plans = new ValidationPlans();
const classValidatorAccepts = (instance: object) => validateSync(instance, VALIDATOR_OPTIONS).length === 0;

/** A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [
  undefined,
  null,
  '',
  ' padded ',
  'x'.repeat(300),
  'bell\u0007',
  'female',
  'not an e-mail',
  'someone@example.org',
  '1985-07-14',
  '1985-13',
  '5b0c3f52-6f1e-4d55-9bb5-0f3a7d2c1e11',
  0,
  -1,
  1.5,
  51,
  true,
  [],
  ['a'],
  ['physician', 'physician'],
  [{}],
  [null],
  {},
  { unknown: 1 },
  { system: 'NN', value: '1' },
];

type Json = Record<string, unknown>;

/** Every place in a JSON value a mutation can touch: [the object or array holding it, its key]. */
function places(value: unknown, out: [Json | unknown[], string | number][] = []) {
  if (Array.isArray(value)) {
    value.forEach((element, index) => {
      out.push([value, index]);
      places(element, out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      out.push([value as Json, key]);
      places((value as Json)[key], out);
    }
  }
  return out;
}

function containers(value: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(value)) value.forEach((element) => containers(element, out));
  else if (value !== null && typeof value === 'object') {
    out.push(value as Json);
    Object.values(value).forEach((element) => containers(element, out));
  }
  return out;
}

/** One to three random changes: a value replaced by an odd one, a field removed, an unknown field added. */
function mutate(seed: Json, next: () => number): Json {
  const copy = structuredClone(seed);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
  // A copy each time: a shared odd object could otherwise end up inside itself.
  const odd = () => structuredClone(pick(ODD_VALUES));
  for (let change = 0, changes = 1 + Math.floor(next() * 3); change < changes; change += 1) {
    const roll = next();
    if (roll < 0.1) {
      pick(containers(copy))[pick(['extra', 'constructorName', 'Value'])] = odd();
      continue;
    }
    const [holder, key] = pick(places(copy));
    if (roll < 0.25) {
      if (Array.isArray(holder)) holder.splice(key as number, 1);
      else delete holder[key as string];
    } else {
      (holder as Json)[key as string] = odd();
    }
  }
  return copy;
}

const SEEDS: [new () => object, Json][] = [
  [
    PatientInputV1,
    {
      patientCode: '100234',
      visitNumber: '2400012301',
      firstName: 'Françoise',
      lastName: 'Lemaître',
      birthDate: '1983-12-25',
      sex: 'female',
      email: 'francoise.dubois@example.be',
      phone: '+32 2 555 01 23',
      preferredLanguage: 'fr',
      address: { street: "Rue de l'Église 12", city: 'Bruxelles', zip: '1000', country: 'BE' },
      identifiers: [
        { system: 'NN', value: '83.12.25-152.52' },
        { system: 'AZDEMO', value: '100234' },
      ],
    },
  ],
  [
    UserInputV1,
    {
      email: 'an@example.org',
      firstName: 'An',
      lastName: 'Peeters',
      roles: ['physician'],
      physicianCode: 'D1',
    },
  ],
  [UserPatchV1, { firstName: 'An', roles: ['clinician', 'physician'], hospitalUserId: null }],
  [
    CareFlowDefinitionInputV1,
    {
      key: 'knee-replacement',
      title: 'Knee replacement',
      baseline: [
        { key: 'appointmentDate', type: 'date', required: true },
        { key: 'side', type: 'string', required: false },
      ],
    },
  ],
];

describe('validation plans', () => {
  it.each(SEEDS.map(([payloadClass, seed]) => [payloadClass.name, payloadClass, seed] as const))(
    'agree with class-validator on 1,500 mutations of a valid %s',
    (_name, payloadClass, seed) => {
      const next = random(17);
      expect(plans.accepts(plainToInstance(payloadClass, seed))).toBe(true);
      const tally = { accepted: 0, refused: 0 };
      const disagreements: string[] = [];
      for (let round = 0; round < 1500; round += 1) {
        const mutated = mutate(seed, next);
        const instance = plainToInstance(payloadClass, mutated);
        const expected = classValidatorAccepts(instance);
        tally[expected ? 'accepted' : 'refused'] += 1;
        if (plans.accepts(instance) !== expected) disagreements.push(JSON.stringify(mutated));
      }
      expect(disagreements).toEqual([]);
      // The mutations must exercise both answers, or agreeing proves nothing.
      expect(tally.accepted).toBeGreaterThan(50);
      expect(tally.refused).toBeGreaterThan(300);
    },
  );

  class Plain {
    @ValidateNested() nested!: object;
  }
  class Tagged {
    @IsString({ each: true }) tags!: Set<unknown> | Map<string, unknown>;
  }
  class Inner {
    @IsInt() n!: number;
  }
  class Outer {
    @IsOptional() @ValidateNested({ each: true }) @Type(() => Inner) inner?: (Inner | undefined)[][];
  }

  it.each([
    ['a nested object without a class and without fields', Plain, { nested: {} }, true],
    ['a nested object without a class but with a field', Plain, { nested: { a: 1 } }, false],
    ['a nested primitive', Plain, { nested: 'text' }, false],
    ['a nested null', Plain, { nested: null }, false],
    ['nested arrays of arrays', Outer, { inner: [[{ n: 1 }], [{ n: 2 }]] }, true],
    ['a bad element in nested arrays', Outer, { inner: [[{ n: 1 }], [{ n: 'x' }]] }, false],
    ['an undefined element', Outer, { inner: [[undefined]] }, true],
    ['a null element', Outer, { inner: [[null]] }, false],
  ] as const)('agree on %s', (_name, payloadClass, plain, expected) => {
    const instance = plainToInstance(payloadClass as new () => object, plain);
    expect(classValidatorAccepts(instance)).toBe(expected);
    expect(plans.accepts(instance)).toBe(expected);
  });

  it('apply `each` rules to the values of sets and maps, as class-validator does', () => {
    for (const [tags, expected] of [
      [new Set(['a', 'b']), true],
      [new Set(['a', 1]), false],
      [new Map([['k', 'a']]), true],
      [new Map<string, unknown>([['k', 2]]), false],
    ] as const) {
      const instance = Object.assign(new Tagged(), { tags });
      expect(classValidatorAccepts(instance)).toBe(expected);
      expect(plans.accepts(instance)).toBe(expected);
    }
  });

  it('leave to class-validator the rules they do not plan', () => {
    class Required {
      @IsDefined() id!: string;
    }
    class Grouped {
      @IsString({ groups: ['admin'] }) name!: string;
    }
    expect(plans.accepts(Object.assign(new Required(), { id: 'x' }))).toBeUndefined();
    expect(plans.accepts(Object.assign(new Grouped(), { name: 'x' }))).toBeUndefined();
  });

  it('see a rule registered after their first answer for the class', () => {
    class Late {
      @IsOptional() @IsString() name?: string;
    }
    expect(plans.accepts(Object.assign(new Late(), { name: 'three' }))).toBe(true);
    MaxLength(2)(Late.prototype, 'name');
    const tooLong = Object.assign(new Late(), { name: 'three' });
    expect(classValidatorAccepts(tooLong)).toBe(false);
    expect(plans.accepts(tooLong)).toBe(false);
  });
});
