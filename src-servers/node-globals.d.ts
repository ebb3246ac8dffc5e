/**
 * Node (≥ 19) has the Web Crypto key class as a global, CryptoKey, and jose's types name that
 * global; @types/node 20 declares it only as crypto.webcrypto.CryptoKey. Without the DOM lib
 * (tsconfig.node.json) this makes the global name mean Node's own type. Types only.
 */
import type { webcrypto } from 'node:crypto';

declare global {
  interface CryptoKey extends webcrypto.CryptoKey {}
}
