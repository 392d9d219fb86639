import { DestinationPolicy } from '@bridge/config';
import { DomainError } from '@bridge/contracts';
import { checkWebhookUrl } from './webhook-url';

const policy = (allowLoopback: boolean) =>
  new DestinationPolicy({
    allowLoopback,
    platformEndpoints: [{ host: '10.0.0.5', port: 5432 }],
    resolveAll: () => Promise.reject(new Error('no DNS at save time')),
  });

async function codeOf(url: string, allowLoopback = false): Promise<string | undefined> {
  try {
    await checkWebhookUrl(url, policy(allowLoopback));
    return undefined;
  } catch (error) {
    return (error as DomainError).code;
  }
}

describe('checkWebhookUrl', () => {
  it('accepts https URLs, private ranges included (hospitals sit behind VPNs)', async () => {
    expect(await codeOf('https://emr.example.org/hooks?x=1')).toBeUndefined();
    expect(await codeOf('https://10.1.2.3:8443/hooks')).toBeUndefined();
  });

  it('takes plain http only to loopback, and only when the policy allows loopback', async () => {
    expect(await codeOf('http://emr.example.org/hooks')).toBe('WEBHOOK_URL_INVALID');
    expect(await codeOf('http://127.0.0.1:8080/hooks')).toBe('WEBHOOK_URL_INVALID');
    expect(await codeOf('http://127.0.0.1:8080/hooks', true)).toBeUndefined();
    expect(await codeOf('http://localhost:8080/hooks', true)).toBeUndefined();
    expect(await codeOf('http://10.1.2.3/hooks', true)).toBe('WEBHOOK_URL_INVALID');
  });

  it('refuses loopback, link-local and the platform database as destinations, and malformed URLs', async () => {
    expect(await codeOf('https://127.0.0.1/hooks')).toBe('CONNECTION_DESTINATION_REFUSED');
    expect(await codeOf('https://localhost/hooks')).toBe('CONNECTION_DESTINATION_REFUSED');
    expect(await codeOf('https://169.254.169.254/latest/meta-data')).toBe('CONNECTION_DESTINATION_REFUSED');
    expect(await codeOf('https://[fe80::1]/hooks')).toBe('CONNECTION_DESTINATION_REFUSED');
    expect(await codeOf('https://10.0.0.5:5432/')).toBe('CONNECTION_DESTINATION_REFUSED');
    expect(await codeOf('ftp://emr.example.org/hooks')).toBe('WEBHOOK_URL_INVALID');
    expect(await codeOf('https://user:secret@emr.example.org/hooks')).toBe('WEBHOOK_URL_INVALID');
    expect(await codeOf('https://emr.example.org/hooks#frag')).toBe('WEBHOOK_URL_INVALID');
    expect(await codeOf('/relative')).toBe('WEBHOOK_URL_INVALID');
  });
});
