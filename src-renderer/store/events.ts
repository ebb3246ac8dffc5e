import { api, onStudioEvents } from '../api';
import { applyExchange, applyReset, applyRun, resync } from './actions';
import { get, mergeExchanges, set } from './studio';
import { applyConformanceCheck, applyConformanceNews, forgetConformance, resyncConformance } from './conformance';

/**
 * The live link: Server-Sent Events from /studio/api/events. EventSource retries by itself while
 * the stream is merely interrupted; when it gives up (the studio restarted, a proxy closed it) we
 * reopen it with a growing back-off. Every (re)open re-reads the run and trace, so nothing
 * recorded while we were offline is missing from the diagram.
 */
export function connectEvents(): () => void {
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let backoff = 500;
  let closed = false;

  const open = () => {
    if (closed) return;
    set({ connection: 'connecting' });
    const es = new EventSource(api.eventsUrl());
    source = es;
    es.addEventListener('open', () => {
      backoff = 500;
      set({ connection: 'live' });
      void resync();
      void resyncConformance();
    });
    onStudioEvents(es, {
      run: applyRun,
      exchange: applyExchange,
      'exchange-updated': (ex) => {
        if (ex.traceId === get().traceId) set({ exchanges: mergeExchanges(get().exchanges, [ex]) });
      },
      reset: () => {
        applyReset();
        forgetConformance();
      },
      'conformance-run': applyConformanceNews,
      'conformance-check': applyConformanceCheck,
    });
    es.addEventListener('error', () => {
      set({ connection: 'offline' });
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        timer = setTimeout(open, backoff);
        backoff = Math.min(backoff * 2, 10_000);
      }
    });
  };

  open();
  return () => {
    closed = true;
    clearTimeout(timer);
    source?.close();
  };
}
