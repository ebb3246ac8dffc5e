import { decodeJwt, decodeProtectedHeader } from 'jose';
import { ProtocolError } from '../../protocol/errors.js';
import type { PresentedJwt } from './types.js';

// RFC 7515 §7.1 / PROTOCOL.md §2: a JWS in compact serialization is three base64url parts.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** PROTOCOL.md §2 row 1: the assertion is a decodable JWT (three parts, JSON header and claims). */
export function checkFormat(jwt: string): PresentedJwt {
  if (!COMPACT_JWS.test(jwt)) throw new ProtocolError('invalid_request', 'The assertion is not a JWT (three base64url parts).');
  try {
    return { jwt, header: decodeProtectedHeader(jwt), claims: decodeJwt(jwt) };
  } catch {
    throw new ProtocolError('invalid_request', 'The assertion is not a JWT: its header or claims are not JSON objects.');
  }
}
