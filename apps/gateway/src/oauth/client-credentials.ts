import { DomainError } from '@bridge/contracts';
import type { TokenRequestDto } from './token-request.dto';

export type ClientCredentials = { clientId: string; clientSecret: string } | { refusal: DomainError };

const MAX_ID_LENGTH = 200;
const MAX_SECRET_LENGTH = 500;

/**
 * The client's credentials from HTTP Basic (RFC 6749 §2.3.1: form-urlencoded id and secret) or the body.
 * Anything unreadable (bad base64, no colon, a broken %-escape, control characters, over-long parts) is
 * an INVALID_CLIENT refusal, returned rather than thrown so it still counts as a failed attempt.
 */
export function readClientCredentials(body: TokenRequestDto, authorization?: string): ClientCredentials {
  if (authorization !== undefined && /^basic /i.test(authorization))
    return fromBasic(authorization.slice(6).trim());
  if (!body.client_id || !body.client_secret) return refused('client_id and client_secret are required.');
  return { clientId: body.client_id, clientSecret: body.client_secret };
}

function fromBasic(encoded: string): ClientCredentials {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return refused('The Basic credentials are not base64.');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0) return refused('The Basic credentials must be client_id:client_secret.');
  const clientId = formDecoded(decoded.slice(0, separator));
  const clientSecret = formDecoded(decoded.slice(separator + 1));
  if (clientId === undefined || clientSecret === undefined) {
    return refused('The Basic credentials could not be decoded.');
  }
  if (
    !clientId ||
    !clientSecret ||
    clientId.length > MAX_ID_LENGTH ||
    clientSecret.length > MAX_SECRET_LENGTH
  ) {
    return refused('The Basic credentials are empty or too long.');
  }
  return { clientId, clientSecret };
}

/**
 * %-decoded as RFC 6749 asks; `+` is left alone, as before, because many clients send secrets unencoded.
 * Undefined for a broken %-escape (decodeURIComponent threw: that was the 500) or a control character.
 */
function formDecoded(text: string): string | undefined {
  try {
    const value = decodeURIComponent(text);
    return /[\u0000-\u001f]/.test(value) ? undefined : value;
  } catch {
    return undefined;
  }
}

function refused(message: string): { refusal: DomainError } {
  return { refusal: new DomainError('INVALID_CLIENT', message) };
}
