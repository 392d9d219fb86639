import { StatementBatcher } from './statement-batcher';

interface Item {
  key: string;
  name: string;
}

/**
 * A statement the test finishes by hand: each call is recorded with its items and stays running until
 * `finish` (or `fail`) is called for it.
 */
function controlledStatement() {
  const calls: { names: string[]; finish(): void; fail(error: Error): void }[] = [];
  const run = (items: Item[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({
        names: items.map((item) => item.name),
        finish: () => resolve(items.map((item) => `stored ${item.name}`)),
        fail: reject,
      });
    });
  return { calls, run };
}

const item = (name: string, key = name): Item => ({ name, key });

/** Lets every settled promise's callbacks run (the batcher dispatches from `finally`). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('StatementBatcher', () => {
  const batcher = (run: (items: Item[]) => Promise<string[]>, maxInFlight = 1, maxBatch = 10) =>
    new StatementBatcher<Item, string>({ run, keyOf: (i) => i.key, maxInFlight, maxBatch });

  it('runs a lone item at once, on its own', async () => {
    const statement = controlledStatement();
    const result = batcher(statement.run).submit(item('a'));
    expect(statement.calls.map((call) => call.names)).toEqual([['a']]);
    statement.calls[0].finish();
    await expect(result).resolves.toBe('stored a');
  });

  it('sends the items that arrived while statements ran as one statement, in arrival order, when one finishes', async () => {
    const statement = controlledStatement();
    const batches = batcher(statement.run, 2);
    const results = ['a', 'b', 'c', 'd', 'e'].map((name) => batches.submit(item(name)));
    // Two statements in flight at most: a and b alone, c, d and e wait.
    expect(statement.calls.map((call) => call.names)).toEqual([['a'], ['b']]);
    statement.calls[1].finish();
    await settle();
    expect(statement.calls.map((call) => call.names)).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
    statement.calls[0].finish();
    statement.calls[2].finish();
    await expect(Promise.all(results)).resolves.toEqual([
      'stored a',
      'stored b',
      'stored c',
      'stored d',
      'stored e',
    ]);
  });

  it('puts at most maxBatch items in a statement', async () => {
    const statement = controlledStatement();
    const batches = batcher(statement.run, 1, 2);
    const results = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => batches.submit(item(name)));
    for (let index = 0; index < 4; index += 1) {
      statement.calls[index].finish();
      await settle();
    }
    expect(statement.calls.map((call) => call.names)).toEqual([['a'], ['b', 'c'], ['d', 'e'], ['f']]);
    await expect(Promise.all(results)).resolves.toHaveLength(6);
  });

  it('never puts two items with the same key in one statement; the later one goes next, in order', async () => {
    const statement = controlledStatement();
    const batches = batcher(statement.run);
    const results = [item('a'), item('b1', 'b'), item('c'), item('b2', 'b'), item('b3', 'b'), item('d')].map(
      (each) => batches.submit(each),
    );
    statement.calls[0].finish();
    await settle();
    expect(statement.calls[1].names).toEqual(['b1', 'c', 'd']);
    statement.calls[1].finish();
    await settle();
    expect(statement.calls[2].names).toEqual(['b2']);
    statement.calls[2].finish();
    await settle();
    expect(statement.calls[3].names).toEqual(['b3']);
    statement.calls[3].finish();
    await expect(Promise.all(results)).resolves.toHaveLength(6);
  });

  it("runs a failed statement's items one by one: only the item that fails alone gets an error", async () => {
    const calls: string[][] = [];
    const run = async (items: Item[]) => {
      calls.push(items.map((each) => each.name));
      if (items.some((each) => each.name === 'bad')) throw new Error('bad row');
      return items.map((each) => `stored ${each.name}`);
    };
    const statement = controlledStatement();
    const batches = batcher((items) => (items[0].name === 'first' ? statement.run(items) : run(items)));
    const first = batches.submit(item('first'));
    const others = ['a', 'bad', 'c'].map((name) =>
      batches.submit(item(name)).catch((error: Error) => error.message),
    );
    statement.calls[0].finish();
    await expect(first).resolves.toBe('stored first');
    await expect(Promise.all(others)).resolves.toEqual(['stored a', 'bad row', 'stored c']);
    expect(calls).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('gives a lone failed item its error without running it again', async () => {
    let runs = 0;
    const batches = batcher(async () => {
      runs += 1;
      throw new Error('connection lost');
    });
    await expect(batches.submit(item('a'))).rejects.toThrow('connection lost');
    expect(runs).toBe(1);
  });

  it('keeps going after a failure: the next items are sent', async () => {
    let fail = true;
    const batches = batcher(async (items) => {
      if (fail) throw new Error('down');
      return items.map((each) => each.name);
    });
    await expect(batches.submit(item('a'))).rejects.toThrow('down');
    fail = false;
    await expect(batches.submit(item('b'))).resolves.toBe('b');
  });
});
