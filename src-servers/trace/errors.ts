/** What the trace recorder refuses, by name: the studio API maps each to its JSON error. */
export class TraceNotFoundError extends Error {
  constructor(readonly traceId: string) {
    super(`No trace with id "${traceId}".`);
    this.name = 'TraceNotFoundError';
  }
}

/** The current trace is where the next exchange goes: it cannot be deleted. */
export class TraceInUseError extends Error {
  constructor(readonly traceId: string) {
    super(`Trace "${traceId}" is the current one: it is still being recorded.`);
    this.name = 'TraceInUseError';
  }
}
