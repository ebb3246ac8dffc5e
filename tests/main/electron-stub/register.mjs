// `node --import ./register.mjs out/main/index.js`: the built main process under plain Node, with
// `electron` answered by electron.mjs (a recorder, no Chromium). It also makes the process look
// like Electron's main process where the bundle asks (process.versions.electron, which picks the
// SQLite binding), and keeps every server on a free port: the real app takes fixed ones (8000, …).
import { register } from 'node:module';
import net from 'node:net';

register('./hooks.mjs', import.meta.url);
Object.defineProperty(process.versions, 'electron', { value: process.env.STUB_ELECTRON_VERSION ?? '38.8.6', enumerable: true });

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number') args[0] = 0;
  return listen.apply(this, args);
};
