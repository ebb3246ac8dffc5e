import type { Server } from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createServer as createNetServer } from 'node:net';
import { openDatabase, type Db } from '../db/sqlite.js';
import { parseConfig, type HostConfig, type HostConfigInput } from './config.js';
import { closeServer, createSwappableServer, listenWithFallback, LOOPBACK } from './ports.js';
import { defaultDataDir, preparePrivateDir, privateDbFile } from './dataDir.js';
import { acquireDataDirLock, type DataDirLock } from './dataDirLock.js';
import { serviceMigrations, type ServiceHandle } from '../service/index.js';
import { PROFILE_IDS, type ProfileId } from '../protocol/profiles.js';
import { companionProfile, serviceDbName, startService, type HostService } from './services.js';
import { createSmtpMailer, type SmtpMailer } from '../service/mail.js';
import { createProvider, providerMigrations, type ProviderHandle } from '../provider/index.js';
import { createMailbox, mailboxMigrations, type MailboxHandle } from '../mailbox/index.js';
import { createTraceRecorder, traceMigrations, type TraceRecorder } from '../trace/index.js';

export interface HostOptions {
  config?: HostConfigInput | HostConfig;
  /** Where the roles keep their databases and keys; default: the platform's app-data folder. */
  dataDir?: string;
  /** Keep everything in memory (tests, demos that must leave nothing behind). */
  inMemory?: boolean;
  /** undefined = defaults (service 8000, provider 4000, mailbox 8025, smtp 2525, companion 8001); 0 = any free port. */
  ports?: { service?: number; provider?: number; mailbox?: number; smtp?: number; companion?: number };
  /**
   * Also run a companion service speaking the other profile (services.ts), on `ports.companion` with
   * its own database: what the studio needs for its profile switch. Off by default (`npm run serve`).
   */
  companion?: boolean;
  log?: (line: string) => void;
  /** The roles' clock in ms (lessons move time forward: TTLs, rate-limit windows). Default Date.now. */
  now?: () => number;
  /** Record into an existing trace (a lesson's private host draws into the studio's run). */
  trace?: TraceRecorder;
  /** Who may frame the roles' pages when not this host's own studio (a lesson host's: its given host's studio). */
  frameAncestors?: () => readonly string[];
}

/** The roles' loopback URLs, as the studio API's /info sends them (declared once, protocol/studio.ts). */
export type HostUrls = import('../protocol/studio.js').RoleUrls;

export interface Host {
  readonly urls: HostUrls;
  readonly config: HostConfig;
  readonly trace: TraceRecorder;
  /** The primary service (the one speaking `config.service.profile`). */
  readonly service: ServiceHandle;
  /** Every service this host runs, the primary first; two (one per profile) with `companion`. */
  readonly services: readonly HostService[];
  /** The service speaking `profile`, if this host runs one. */
  serviceFor(profile: ProfileId): HostService | undefined;
  readonly provider: ProviderHandle;
  readonly mailbox: MailboxHandle;
  readonly dataDir: string | null;
  /** Wipe every role's data (databases, keys, trace) and start the roles afresh on the same ports. */
  reset(): Promise<void>;
  /** The studio that shows the roles' pages in its panes; no other page may frame them (http/framing.ts). */
  allowFraming(origins: readonly string[]): () => void;
  frameAncestors(): readonly string[];
  stop(): Promise<void>;
}

export const DEFAULT_PORTS = { service: 8000, provider: 4000, mailbox: 8025, smtp: 2525, companion: 8001 } as const;

interface Roles {
  dbs: Db[];
  mailer: SmtpMailer;
  /** One per service slot, in the slots' order (the primary first). */
  services: ServiceHandle[];
  provider: ProviderHandle;
  mailbox: MailboxHandle;
}

/** Start the service, provider and mailbox on loopback, each with its own database (DESIGN.md rule 5). */
export async function startHost(opts: HostOptions = {}): Promise<Host> {
  const log = opts.log ?? (() => {});
  const config = parseConfig(opts.config ?? {});
  const dataDir = opts.inMemory ? null : (opts.dataDir ?? defaultDataDir());
  const port = (name: keyof typeof DEFAULT_PORTS) => opts.ports?.[name] ?? DEFAULT_PORTS[name];

  // Before any port is taken: a second host on the same data dir stops here, naming the running one.
  let lock: DataDirLock | null = null;
  if (dataDir) {
    preparePrivateDir(dataDir);
    lock = acquireDataDirLock(dataDir);
  }
  try {
    return await startRolesAndServers(opts, config, dataDir, lock, port, log);
  } catch (err) {
    lock?.release();
    throw err;
  }
}

async function startRolesAndServers(
  opts: HostOptions,
  config: HostConfig,
  dataDir: string | null,
  lock: DataDirLock | null,
  port: (name: keyof typeof DEFAULT_PORTS) => number,
  log: (line: string) => void,
): Promise<Host> {
  // Listen first: each role needs its own public URL (the AS issuer, the provider's iss) to start.
  const service = createSwappableServer();
  const provider = createSwappableServer();
  const mailbox = createSwappableServer();
  const servicePort = await listenWithFallback(service.server, port('service'), 'service', log);
  const providerPort = await listenWithFallback(provider.server, port('provider'), 'provider', log);
  const mailboxPort = await listenWithFallback(mailbox.server, port('mailbox'), 'mailbox', log);
  // PROTOCOL-v0.6.md §9, DESIGN.md rule 8: one service per profile, so the companion is a second server.
  const primaryProfile = config.service.profile;
  const companion = opts.companion ? createSwappableServer() : null;
  const otherProfile = companionProfile(primaryProfile);
  const companionPort = companion
    ? await listenWithFallback(companion.server, port('companion'), `companion ${otherProfile} service`, log)
    : null;
  // The SMTP listener is created by the mailbox; reserve its port now so the URL is known.
  const smtpPort = await reservePort(port('smtp'), log);
  const urls: HostUrls = {
    service: `http://${LOOPBACK}:${servicePort}`,
    provider: `http://${LOOPBACK}:${providerPort}`,
    mailbox: `http://${LOOPBACK}:${mailboxPort}`,
    smtp: `smtp://${LOOPBACK}:${smtpPort}`,
  };

  lock?.update(urls);
  const slots = [
    { profile: primaryProfile, url: urls.service, primary: true, server: service },
    ...(companion ? [{ profile: otherProfile, url: `http://${LOOPBACK}:${companionPort}`, primary: false, server: companion }] : []),
  ].map((s) => ({ ...s, config: { ...config.service, profile: s.profile } }));

  // PROTOCOL.md §7: each database file 0600 (and its WAL with it), in a 0700 data dir.
  const dbFile = (role: string) => (dataDir ? privateDbFile(dataDir, role) : ':memory:');
  const traceDb = opts.trace ? null : openDatabase(dbFile('trace'), traceMigrations);
  const trace = opts.trace ?? createTraceRecorder({ db: traceDb! });
  const now = opts.now;
  const framers = new Map<symbol, readonly string[]>();
  const frameAncestors = opts.frameAncestors ?? (() => [...new Set([...framers.values()].flat())]);
  for (const s of slots) trace.registerOrigin(s.url, 'Service');
  trace.registerOrigin(urls.provider, 'Provider');
  trace.registerOrigin(urls.mailbox, 'Inbox');
  // The trace checks signatures only of issuers this host trusts: its own provider and the service's list.
  trace.trustIssuers([urls.provider, ...config.service.trustedIssuers]);

  async function startRoles(): Promise<Roles> {
    const mailboxDb = openDatabase(dbFile('mailbox'), mailboxMigrations);
    const providerDb = openDatabase(dbFile('provider'), providerMigrations);
    const serviceDbs = slots.map((s) => openDatabase(dbFile(serviceDbName(s.profile, s.primary)), serviceMigrations));
    const mb = createMailbox({ db: mailboxDb, recorder: trace, allowedHosts: config.mail.allowedHosts, frameAncestors });
    await listenSmtp(mb, smtpPort);
    const pv = await createProvider({
      baseUrl: urls.provider,
      config: config.provider,
      db: providerDb,
      keysFile: dataDir ? join(dataDir, 'provider-keys.json') : undefined,
      fetch: trace.fetchAs('Provider'),
      recorder: trace,
      log,
      now,
      frameAncestors,
    });
    const trustedIssuers = [
      ...(config.service.trustBundledProvider ? [urls.provider] : []),
      ...config.service.trustedIssuers,
    ];
    const mailer = createSmtpMailer(config.mail.smtpUrl ?? urls.smtp);
    const services = slots.map((s, i) =>
      startService({ url: s.url, config: s.config, db: serviceDbs[i], trustedIssuers, sendMail: mailer.send, trace, now, frameAncestors }),
    );
    slots.forEach((s, i) => s.server.setHandler(services[i].app));
    provider.setHandler(pv.app);
    mailbox.setHandler(mb.app);
    return { dbs: [...serviceDbs, providerDb, mailboxDb], mailer, services, provider: pv, mailbox: mb };
  }

  async function stopRoles(r: Roles) {
    for (const s of r.services) s.stop();
    r.mailer.close();
    r.provider.stop();
    await r.mailbox.stop();
    for (const db of r.dbs) db.close();
  }

  let roles = await startRoles();
  let stopped = false;
  const servers = [...slots.map((s) => s.server), provider, mailbox];
  const hostServices: HostService[] = slots.map((s, i) => ({
    profile: s.profile, url: s.url, primary: s.primary, config: s.config,
    get handle() {
      return roles.services[i];
    },
  }));

  return {
    urls,
    config,
    trace,
    dataDir,
    get service() {
      return roles.services[0];
    },
    services: hostServices,
    serviceFor: (profile) => hostServices.find((s) => s.profile === profile),
    get provider() {
      return roles.provider;
    },
    get mailbox() {
      return roles.mailbox;
    },
    allowFraming(origins) {
      const key = Symbol('studio');
      framers.set(key, [...origins]);
      return () => void framers.delete(key);
    },
    frameAncestors,
    async reset() {
      for (const s of servers) s.setHandler(null);
      await stopRoles(roles);
      if (dataDir) {
        // Every service file, also a companion's this run did not start: "all data" means all of it.
        const serviceFiles = ['service', ...PROFILE_IDS.map((p) => serviceDbName(p, false))];
        for (const role of [...serviceFiles, 'provider', 'mailbox'])
          for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `${role}.db${suffix}`), { force: true });
        rmSync(join(dataDir, 'provider-keys.json'), { force: true });
      }
      if (!opts.trace) trace.clear();
      roles = await startRoles();
      log('all data reset');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(servers.map((s) => closeServer(s.server as Server)));
      await stopRoles(roles);
      trace.flush(); // what the last requests recorded is stored before the file closes
      traceDb?.close();
      lock?.release();
    },
  };
}

/** Find the SMTP port now (default 2525, or a free one when taken) so every URL is known up front. */
async function reservePort(wanted: number, log: (line: string) => void): Promise<number> {
  const probe = createNetServer();
  const chosen = await listenWithFallback(probe, wanted, 'mailbox SMTP', log);
  await new Promise<void>((r) => probe.close(() => r()));
  return chosen;
}

function listenSmtp(mb: MailboxHandle, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = mb.smtp.server;
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    mb.smtp.listen(port, LOOPBACK, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
