/**
 * The cost floor: what the cheapest parts of a request cost on this machine, for comparison.
 * - ES256 verification with jose, in a loop in this process: the one expensive step of an ID-JAG
 *   registration. `inFlight` verifications at a time (WebCrypto runs them on the libuv pool, as it
 *   does for the host serving `inFlight` connections).
 */
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { ID_JAG_TYP } from '../src-servers/protocol/constants.js';
import { startLoadWindow } from './machineLoad.js';

export interface VerifyFloor {
  verifications: number;
  durationS: number;
  perSec: number;
  cpuMsPerVerification: number;
  otherCpuPct?: number;
}

export async function es256VerifyFloor(opts: { durationS: number; warmupS: number; inFlight: number }): Promise<VerifyFloor> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({ client_id: 'https://provider.example/agent-auth.json', email: 'a@example.com', email_verified: true })
    .setProtectedHeader({ alg: 'ES256', typ: ID_JAG_TYP, kid: 'k1' })
    .setIssuer('https://provider.example')
    .setSubject('user-1')
    .setAudience('https://service.example')
    .setJti('j1')
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(privateKey);
  const verifyOnce = () =>
    jwtVerify(jwt, publicKey, { issuer: 'https://provider.example', audience: 'https://service.example', typ: ID_JAG_TYP });

  const loop = async (seconds: number) => {
    const until = performance.now() + seconds * 1000;
    let count = 0;
    const worker = async () => {
      while (performance.now() < until) {
        await verifyOnce();
        count++;
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: opts.inFlight }, worker));
    return { count, durationS: (performance.now() - t0) / 1000 };
  };
  await loop(opts.warmupS);
  const cpu0 = process.cpuUsage();
  const window = startLoadWindow(); // counts this process as "own"; the waiting bench adds ~nothing
  const { count, durationS } = await loop(opts.durationS);
  const otherCpuPct = window.end(0);
  const cpu = process.cpuUsage(cpu0);
  return {
    verifications: count,
    durationS,
    perSec: count / durationS,
    cpuMsPerVerification: (cpu.user + cpu.system) / 1000 / count,
    ...(otherCpuPct !== undefined ? { otherCpuPct } : {}),
  };
}
