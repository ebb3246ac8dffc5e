/**
 * The studio's resizable layout as plain numbers (issue 16): what the person chose (persisted), and
 * what the window allows (clamped on every resize), so no pane is ever pushed past the window's edge.
 * Pure: no DOM, no React — components/StudioLayout.tsx applies it, tests/renderer test it.
 */

/** What the person chose with the splitters; `null` = never touched, the window-dependent default applies. */
export interface LayoutPrefs {
  sidebar: number | null;
  right: number | null;
  panes: number | null;
  sidebarCollapsed: boolean;
  rightCollapsed: boolean;
}

/** Pixel sizes the grid gets: 0 for a collapsed side column. */
export interface LayoutSizes {
  sidebar: number;
  right: number;
  panes: number;
}

export interface Win {
  width: number;
  height: number;
}

export type PaneKey = keyof LayoutSizes;

export const NO_PREFS: LayoutPrefs = { sidebar: null, right: null, panes: null, sidebarCollapsed: false, rightCollapsed: false };

/** Fixed parts of the grid: the topbar, the page's side padding and the three 8 px splitter gutters. */
export const TOPBAR = 52;
export const GUTTER = 8;
/** The collapsed edge: a thin button that brings the column back. */
export const REOPEN = 20;
/** The sequence diagram never gets narrower or shorter than this while a side pane could give way. */
export const CENTER_MIN = 360;
export const WORK_MIN = 190;

export const LIMITS: Record<PaneKey, { min: number; max: number }> = {
  sidebar: { min: 160, max: 380 },
  right: { min: 260, max: 640 },
  panes: { min: 150, max: 900 },
};

/** Keyboard steps on a splitter (WAI-ARIA window splitter pattern): arrows move 16 px, Shift+arrows 64 px. */
export const STEP = 16;
export const BIG_STEP = 64;

/** The defaults the page had before anyone dragged: narrower side columns under 1180 px (the 1024 px minimum window, 150 % zoom). */
export function defaults(win: Win): LayoutSizes {
  const narrow = win.width < 1180;
  // The person's panes take about half the height under the topbar: the claim page's button and two
  // narration entries beside the agent's question fit at 1024×700 without scrolling. Shorter than
  // 600 px (150 % zoom on 1280×800) the diagram keeps the larger share, and from 760 px up (1280×800
  // and taller) 46 % is room enough for the panes, so the rest goes to the diagram.
  const panes = Math.round((win.height < 600 ? 0.44 : win.height < 760 ? 0.52 : 0.46) * (win.height - TOPBAR));
  return { sidebar: narrow ? 188 : 228, right: narrow ? 316 : 392, panes };
}

const clamp = (v: number, min: number, max: number) => Math.max(min, Math.min(max, v));

/** Room for the sidebar and the right column together, with the diagram kept at CENTER_MIN. */
function sideRoom(win: Win, prefs: LayoutPrefs): number {
  const edges = (prefs.sidebarCollapsed ? REOPEN : GUTTER) + (prefs.rightCollapsed ? REOPEN : GUTTER);
  return win.width - 2 * GUTTER - edges - CENTER_MIN;
}

/** The largest panes row that leaves the work area (diagram, inspector) WORK_MIN tall. */
export function panesMax(win: Win): number {
  return Math.max(LIMITS.panes.min, Math.min(LIMITS.panes.max, win.height - TOPBAR - GUTTER - GUTTER - WORK_MIN));
}

/**
 * The sizes to draw for this window: each within its limits, the two side columns shrunk (the right
 * one first, it is the wider) until the diagram keeps CENTER_MIN, and below their minimum only when
 * the window leaves no other way to fit — the page never scrolls sideways.
 */
export function resolveSizes(prefs: LayoutPrefs, win: Win): LayoutSizes {
  const d = defaults(win);
  let sidebar = prefs.sidebarCollapsed ? 0 : clamp(prefs.sidebar ?? d.sidebar, LIMITS.sidebar.min, LIMITS.sidebar.max);
  let right = prefs.rightCollapsed ? 0 : clamp(prefs.right ?? d.right, LIMITS.right.min, LIMITS.right.max);
  const room = Math.max(0, sideRoom(win, prefs));
  if (sidebar + right > room) right = Math.max(prefs.rightCollapsed ? 0 : LIMITS.right.min, room - sidebar);
  if (sidebar + right > room) sidebar = Math.max(prefs.sidebarCollapsed ? 0 : LIMITS.sidebar.min, room - right);
  if (sidebar + right > room) {
    const scale = room / (sidebar + right);
    sidebar = Math.floor(sidebar * scale);
    right = Math.floor(right * scale);
  }
  const panes = clamp(prefs.panes ?? d.panes, LIMITS.panes.min, panesMax(win));
  return { sidebar, right, panes: Math.min(panes, Math.max(0, win.height - TOPBAR - 3 * GUTTER)) };
}

/** The range a splitter announces (aria-valuemin/max) and keeps its pane in; 0 = collapsed for a side column. */
export function range(key: PaneKey, prefs: LayoutPrefs, win: Win): { min: number; max: number } {
  if (key === 'panes') return { min: LIMITS.panes.min, max: panesMax(win) };
  const other = key === 'sidebar' ? resolveSizes(prefs, win).right : resolveSizes(prefs, win).sidebar;
  const room = Math.max(LIMITS[key].min, sideRoom(win, { ...prefs, [`${key}Collapsed`]: false }) - other);
  return { min: 0, max: Math.min(LIMITS[key].max, room) };
}

/** A splitter moved the pane to `size` px (drag or keys): kept within the window; dragging below half the minimum collapses a side column. */
export function resize(prefs: LayoutPrefs, key: PaneKey, size: number, win: Win): LayoutPrefs {
  const { max } = range(key, prefs, win);
  if (key === 'panes') return { ...prefs, panes: Math.round(clamp(size, LIMITS.panes.min, max)) };
  if (size < LIMITS[key].min / 2) return { ...prefs, [`${key}Collapsed`]: true };
  return { ...prefs, [key]: Math.round(clamp(size, LIMITS[key].min, max)), [`${key}Collapsed`]: false };
}

/** Home on a side column's splitter; the panes row only goes down to its minimum (the person's panes stay usable). */
export function collapse(prefs: LayoutPrefs, key: PaneKey, win: Win): LayoutPrefs {
  if (key === 'panes') return resize(prefs, key, LIMITS.panes.min, win);
  return { ...prefs, [`${key}Collapsed`]: true };
}

/** End on a splitter, or the reopen button: back to the size the person last chose (or the default). */
export function restore(prefs: LayoutPrefs, key: PaneKey): LayoutPrefs {
  if (key === 'panes') return { ...prefs, panes: null };
  return { ...prefs, [`${key}Collapsed`]: false };
}

/** Double-click on a splitter: the default size, as if never dragged. */
export function reset(prefs: LayoutPrefs, key: PaneKey): LayoutPrefs {
  if (key === 'panes') return { ...prefs, panes: null };
  return { ...prefs, [key]: null, [`${key}Collapsed`]: false };
}

export const STORAGE_KEY = 'studio.layout.v1';

const size = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 10_000 ? Math.round(v) : null);

/** What the person chose last time; anything unreadable (another version, a hand edit) falls back to the defaults. */
export function loadPrefs(storage: Pick<Storage, 'getItem'> | undefined): LayoutPrefs {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(STORAGE_KEY) ?? 'null');
    if (!raw || typeof raw !== 'object') return NO_PREFS;
    const r = raw as Record<string, unknown>;
    return {
      sidebar: size(r.sidebar), right: size(r.right), panes: size(r.panes),
      sidebarCollapsed: r.sidebarCollapsed === true, rightCollapsed: r.rightCollapsed === true,
    };
  } catch {
    return NO_PREFS;
  }
}

export function savePrefs(storage: Pick<Storage, 'setItem'> | undefined, prefs: LayoutPrefs): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(prefs));
  } catch {
    // Storage full or disabled (a private window): the layout still works, it is just not remembered.
  }
}
