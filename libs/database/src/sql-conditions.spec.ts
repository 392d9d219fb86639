import { messageLogConditions, SqlConditions } from './sql-conditions';

describe('SqlConditions', () => {
  it('numbers parameters in order and skips absent filters', () => {
    const conditions = new SqlConditions()
      .add('a = ?', 1)
      .add('b = ?', undefined)
      .add('c = ?', '')
      .add('d >= ?', 'x');
    const limit = conditions.parameter(10);
    expect(conditions.where()).toBe('WHERE a = $1 AND d >= $2');
    expect(limit).toBe('$3');
    expect(conditions.parameters).toEqual([1, 'x', 10]);
  });

  it('gives no WHERE at all without filters', () => {
    expect(messageLogConditions({}).where()).toBe('');
    expect(messageLogConditions({ status: 'failed', from: '2026-01-01T00:00:00Z' }).where()).toBe(
      'WHERE status = $1 AND created_at >= $2',
    );
  });
});
