import type { Exchange } from '../types';

/** The inspector's tabs for one exchange, as xaa.dev gives each step: Request, Response, Tokens, Code. */
export type InspectorTab = 'request' | 'response' | 'tokens' | 'code';

export function tabsFor(e: Exchange): InspectorTab[] {
  return ['request', 'response', ...(e.jwts.length ? (['tokens'] as const) : []), 'code'];
}

/**
 * The tab to show: the one the person chose last when this exchange has it (so clicking through
 * the arrows keeps their place), else Tokens when it carries JWTs (the interesting part), else Response.
 */
export function shownTab(e: Exchange, chosen: InspectorTab | null): InspectorTab {
  const tabs = tabsFor(e);
  if (chosen && tabs.includes(chosen)) return chosen;
  return tabs.includes('tokens') ? 'tokens' : 'response';
}
