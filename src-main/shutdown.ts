/**
 * Clean shutdown: Electron quits as soon as 'before-quit' returns, which would cut the host off
 * mid-write (SQLite WAL checkpoint, open HTTP responses). So the first 'before-quit' is held back
 * until the servers have stopped, and then quitting is resumed. Electron-free: `quit` is app.quit.
 */

export interface QuitEvent {
  preventDefault(): void;
}

export interface QuitGuardOptions {
  /** Give up waiting after this long: a stuck server must not make the app impossible to quit. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** Returns the 'before-quit' listener. `stop` runs exactly once, however often quitting is asked for. */
export function quitGuard(stop: () => Promise<void>, quit: () => void, opts: QuitGuardOptions = {}): (event: QuitEvent) => void {
  const { timeoutMs = 5_000, log = () => {} } = opts;
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  return (event) => {
    if (state === 'stopped') return; // our own quit() below: let it through
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log(`shutdown: servers did not stop within ${timeoutMs} ms; quitting anyway`);
        resolve();
      }, timeoutMs);
    });
    const stopping = stop().catch((err: unknown) => log(`shutdown: ${(err as Error).message}`));
    void Promise.race([stopping, timeout]).then(() => {
      clearTimeout(timer);
      state = 'stopped';
      quit();
    });
  };
}
