import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, signatureHeaders } from './webhook-signature';

describe('webhook signatures (Standard Webhooks)', () => {
  it('are accepted by the standardwebhooks library and refused with another secret or another body', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({
      type: 'patient.created',
      timestamp: new Date().toISOString(),
      data: { patientId: 'p1' },
    });
    const headers = signatureHeaders(secret, 'd0c0ffee-0000-4000-8000-000000000001', body);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body.replace('p1', 'p2'), headers)).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'another' })).toThrow();
  });

  it('carry the time of the attempt, which the library checks against its tolerance', () => {
    const secret = newWebhookSecret();
    const stale = signatureHeaders(secret, 'id-1', '{}', new Date(Date.now() - 3_600_000));
    expect(() => new Webhook(secret).verify('{}', stale)).toThrow(/timestamp/i);
  });
});
