import { TransformationType } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';

type Storage = typeof defaultMetadataStorage;
type PayloadClass = new () => object;

/** What `instantiate` answers when it leaves the payload to class-transformer. */
const UNPLANNED = Symbol('unplanned');
/** A key class-transformer does not copy: `__proto__`, `constructor`, a read-only member or a method. */
const SKIPPED = Symbol('skipped');
/** A key whose value class-transformer copies without a class (objects become plain objects). */
const PLAIN = Symbol('plain');

/** What becomes of a key's value: skipped, copied plain, or instantiated as the class given. */
type PropertyType = PayloadClass | typeof SKIPPED | typeof PLAIN;

interface InstancePlan {
  /** The class's validated properties, decided once; any other key is decided when it comes. */
  properties: Map<string, PropertyType>;
}

/**
 * `plainToInstance(payloadClass, plain)` (class-transformer, default options) for payloads that are JSON
 * values, as every boundary receives them (a parsed body, a bus message), built from class-transformer's own
 * metadata looked up once per class: class-transformer looks up each key's expose, type and transform
 * metadata again on every call, by searches of its storage, which cost more than the copy itself.
 *
 * The same result, built the same way: a property typed `@Type(() => SomeClass)` becomes `new SomeClass()`
 * (arrays element by element), every other object a new plain object, arrays new arrays, primitives as they
 * are; keys in class-transformer's order, skipping the ones it skips (`__proto__`, `constructor`, the
 * prototype's read-only members and methods). Anything else is class-transformer's to do (`undefined`): a
 * value JSON cannot hold (a Date, a Map, an object of another prototype), a class with @Expose, @Exclude or
 * @Transform, a `@Type` function that reads its arguments or names a built-in (String, Date, Set…). The test
 * suites compare every instance built here with class-transformer's (test/setup/validation-cross-check.ts).
 */
export class PayloadInstances {
  private plans = new WeakMap<object, InstancePlan | null>();

  constructor(private readonly storage: Storage = defaultMetadataStorage) {
    // Metadata registered late (a module loaded after the first payload) must not be missed.
    for (const adder of [
      'addTypeMetadata',
      'addTransformMetadata',
      'addExposeMetadata',
      'addExcludeMetadata',
    ] as const) {
      const add = (storage[adder] as (metadata: unknown) => void).bind(storage);
      (storage[adder] as (metadata: unknown) => void) = (metadata: unknown) => {
        this.plans = new WeakMap();
        add(metadata);
      };
    }
  }

  /** The instance class-transformer would build, or undefined when this leaves it to class-transformer. */
  instantiate<T extends object>(payloadClass: new () => T, plain: object): T | undefined {
    const instance = this.value(plain, payloadClass);
    return instance === UNPLANNED ? undefined : (instance as T);
  }

  private value(value: unknown, type: PayloadClass | undefined): unknown {
    if (Array.isArray(value)) {
      const copy: unknown[] = [];
      for (const element of value) {
        const transformed = this.value(element, type);
        if (transformed === UNPLANNED) return UNPLANNED;
        copy.push(transformed);
      }
      return copy;
    }
    if (typeof value !== 'object' || value === null) return value;
    // JSON objects only; class-transformer would take another prototype's constructor as the type.
    if (Object.getPrototypeOf(value) !== Object.prototype) return UNPLANNED;
    return this.object(value as Record<string, unknown>, type);
  }

  private object(value: Record<string, unknown>, type: PayloadClass | undefined): unknown {
    const plan = type ? this.planOf(type) : PLAIN_OBJECT;
    if (plan === null) return UNPLANNED;
    const copy: Record<string, unknown> = type ? (new type() as Record<string, unknown>) : {};
    for (const key of Object.keys(value)) {
      let propertyType: PropertyType | typeof UNPLANNED | undefined = plan.properties.get(key);
      if (propertyType === undefined) {
        // A key the class does not validate (refused later): decided as class-transformer decides.
        propertyType = type ? this.undeclared(copy, type, key) : PLAIN;
        if (propertyType === UNPLANNED) return UNPLANNED;
      }
      if (propertyType === SKIPPED) continue;
      const transformed = this.value(value[key], propertyType === PLAIN ? undefined : propertyType);
      if (transformed === UNPLANNED) return UNPLANNED;
      copy[key] = transformed; // undefined too: class-transformer's exposeUnsetFields
    }
    return copy;
  }

  /** What class-transformer does with a key its target class declares nothing about. */
  private undeclared(
    copy: Record<string, unknown>,
    type: PayloadClass,
    key: string,
  ): PropertyType | typeof UNPLANNED {
    if (skipsKey(type.prototype as object, copy, key)) return SKIPPED;
    const { storage } = this;
    const copied =
      !storage.findTypeMetadata(type, key) &&
      storage.findTransformMetadatas(type, key, TransformationType.PLAIN_TO_CLASS).length === 0;
    return copied ? PLAIN : UNPLANNED;
  }

  private planOf(type: PayloadClass): InstancePlan | null {
    let plan = this.plans.get(type);
    if (plan === undefined) this.plans.set(type, (plan = this.build(type)));
    return plan;
  }

  private build(type: PayloadClass): InstancePlan | null {
    const { storage } = this;
    if (storage.getStrategy(type) !== 'none') return null;
    if (storage.getExposedMetadatas(type).length || storage.getExcludedMetadatas(type).length) return null;
    const probe = new type() as Record<string, unknown>;
    const properties = new Map<string, PropertyType>();
    for (const name of validatedProperties(type)) {
      if (storage.findTransformMetadatas(type, name, TransformationType.PLAIN_TO_CLASS).length) return null;
      if (skipsKey(type.prototype as object, probe, name)) {
        properties.set(name, SKIPPED);
        continue;
      }
      const metadata = storage.findTypeMetadata(type, name);
      if (!metadata) {
        properties.set(name, PLAIN);
        continue;
      }
      // A type function that reads its arguments may answer differently per object; a discriminator picks
      // the class from the value; a Set or Map property turns arrays into them.
      if (metadata.typeFunction.length > 0 || metadata.options?.discriminator) return null;
      if (metadata.reflectedType === Set || metadata.reflectedType === Map) return null;
      const propertyType = metadata.typeFunction() as PayloadClass;
      if (typeof propertyType !== 'function' || BUILT_INS.has(propertyType)) return null;
      properties.set(name, propertyType);
    }
    return { properties };
  }
}

/** The properties class-validator checks on a class (and its ancestors): the keys a valid payload has. */
function validatedProperties(type: PayloadClass): Set<string> {
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(type, '', false, false, undefined);
  return new Set(metadatas.map((metadata) => metadata.propertyName));
}

/**
 * class-transformer's test, key by key, on the object it fills: a member of the target's prototype without a
 * setter (a getter, a method, one of Object.prototype's for a plain object) or a function already there.
 */
function skipsKey(prototype: object, target: Record<string, unknown>, key: string): boolean {
  if (key === '__proto__' || key === 'constructor') return true;
  const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
  return (descriptor !== undefined && !descriptor.set) || target[key] instanceof Function;
}

/** A plain object's keys: Object.prototype's members are skipped, everything else copied without a class. */
const PLAIN_OBJECT: InstancePlan = {
  properties: new Map(
    Object.getOwnPropertyNames(Object.prototype).map((name) => [
      name,
      skipsKey(Object.prototype, {}, name) ? SKIPPED : PLAIN,
    ]),
  ),
};

/** Types class-transformer converts a value to rather than instantiating from an object. */
const BUILT_INS = new Set<unknown>([String, Number, Boolean, Date, Buffer, Promise, Map, Set, Array, Object]);
