import { readClientCredentials } from './client-credentials';

const basic = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;
const body = { grant_type: 'client_credentials' };

describe('readClientCredentials', () => {
  it('reads HTTP Basic (%-decoded) and body credentials', () => {
    expect(readClientCredentials(body, basic('cl_1:s%3Acret+x'))).toEqual({
      clientId: 'cl_1',
      clientSecret: 's:cret+x',
    });
    expect(readClientCredentials({ ...body, client_id: 'a', client_secret: 'b' })).toEqual({
      clientId: 'a',
      clientSecret: 'b',
    });
  });

  it.each([
    ['a broken %-escape (decodeURIComponent threw: 500)', basic('cl_1:%E0%A4%A')],
    ['a broken %-escape in the id', basic('%zz:secret')],
    ['no colon', basic('justanid')],
    ['an empty id', basic(':secret')],
    ['an empty secret', basic('cl_1:')],
    ['not base64', 'Basic !!!not-base64***'],
    ['an empty header', 'Basic '],
    ['control characters', basic('cl_1:se\u0000cret')],
    ['an over-long id', basic(`${'i'.repeat(201)}:secret`)],
  ])('refuses %s as INVALID_CLIENT, never throwing', (_case, authorization) => {
    const read = readClientCredentials(body, authorization);
    expect('refusal' in read && read.refusal.code).toBe('INVALID_CLIENT');
  });

  it('refuses a body without both fields', () => {
    const read = readClientCredentials({ ...body, client_id: 'a' });
    expect('refusal' in read && read.refusal.code).toBe('INVALID_CLIENT');
  });
});
