import { getMetadataStorage } from 'class-validator';

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
type Lookup = MetadataStorage['getTargetValidationMetadatas'];
type Metadatas = ReturnType<Lookup>;

const MEMOIZED = Symbol.for('careflow-bridge.validation-metadata-cache');

/**
 * class-validator looks up a class's rules on every object it validates by testing every decorated class of
 * the process for inheritance (typestack/class-validator#2686): a hundred SIU messages in one payload paid
 * that scan several hundred times, a fifth of patient-import's CPU in benchmark P2. The answer depends only
 * on the registered rules, so it is remembered per class and arguments, and forgotten whenever a class
 * registers a rule (a module loaded late), so no answer can go stale. Neither answer is changed by its readers.
 */
export function memoizeValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  const marked = storage as MetadataStorage & { [MEMOIZED]?: true };
  if (marked[MEMOIZED]) return;
  marked[MEMOIZED] = true;

  let cache = new WeakMap<object, Map<string, Metadatas>>();
  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  const register = storage.addValidationMetadata.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  // The grouping of a remembered answer is asked for right after it, every time: remembered with it.
  const grouped = new WeakMap<Metadatas, ReturnType<MetadataStorage['groupByPropertyName']>>();

  storage.addValidationMetadata = (metadata) => {
    cache = new WeakMap();
    register(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? ''}`;
    let byArguments = cache.get(target);
    if (!byArguments) cache.set(target, (byArguments = new Map<string, Metadatas>()));
    let metadatas = byArguments.get(key);
    if (!metadatas) byArguments.set(key, (metadatas = lookup(target, schema, always, strictGroups, groups)));
    return metadatas;
  };
  storage.groupByPropertyName = (metadatas) => {
    let groups = grouped.get(metadatas);
    if (!groups) grouped.set(metadatas, (groups = group(metadatas)));
    return groups;
  };
}
