import { describe, expect, it } from 'vitest';
import {
  CENTER_MIN, collapse, GUTTER, LIMITS, loadPrefs, NO_PREFS, panesMax, range, reset, resize, resolveSizes, restore, savePrefs,
  STORAGE_KEY, TOPBAR, type LayoutPrefs, type Win,
} from '../../src-renderer/components/layoutSizes.js';

const MIN_WINDOW: Win = { width: 1024, height: 700 };
const LAPTOP: Win = { width: 1280, height: 800 };
const ZOOMED: Win = { width: 853, height: 533 };

/** The diagram's width on this window: what the side columns, the page padding and the gutters leave. */
const centerWidth = (prefs: LayoutPrefs, win: Win) => {
  const s = resolveSizes(prefs, win);
  const edges = (prefs.sidebarCollapsed ? 20 : GUTTER) + (prefs.rightCollapsed ? 20 : GUTTER);
  return win.width - 2 * GUTTER - edges - s.sidebar - s.right;
};

class MemoryStorage {
  items = new Map<string, string>();
  getItem(k: string) { return this.items.get(k) ?? null; }
  setItem(k: string, v: string) { this.items.set(k, v); }
}

describe('the studio layout sizes (issue 16)', () => {
  it('keeps the diagram at least CENTER_MIN wide on every window, even with huge remembered side columns', () => {
    const greedy: LayoutPrefs = { ...NO_PREFS, sidebar: 380, right: 640 };
    for (const win of [MIN_WINDOW, LAPTOP, ZOOMED]) {
      expect(centerWidth(NO_PREFS, win), `${win.width} px, defaults`).toBeGreaterThanOrEqual(CENTER_MIN);
      expect(centerWidth(greedy, win), `${win.width} px, greedy`).toBeGreaterThanOrEqual(CENTER_MIN);
    }
    // The right column gives way first (down to its minimum), then the sidebar.
    const s = resolveSizes(greedy, LAPTOP);
    expect(s.sidebar).toBe(380);
    expect(s.right).toBe(1280 - 2 * GUTTER - 2 * GUTTER - CENTER_MIN - 380);
    // At the minimum window the right column is at its minimum and the sidebar gives way too.
    expect(resolveSizes(greedy, MIN_WINDOW)).toMatchObject({ right: LIMITS.right.min, sidebar: 1024 - 4 * GUTTER - CENTER_MIN - LIMITS.right.min });
  });

  it('never lets the side columns overflow a window too small for their minimums', () => {
    const tiny = { width: 640, height: 480 };
    const s = resolveSizes(NO_PREFS, tiny);
    expect(s.sidebar + s.right + 4 * GUTTER + CENTER_MIN).toBeLessThanOrEqual(tiny.width);
  });

  it('keeps the work area above the panes at least WORK_MIN tall and the panes row within its limits', () => {
    const tall: LayoutPrefs = { ...NO_PREFS, panes: 2000 };
    expect(resolveSizes(tall, MIN_WINDOW).panes).toBe(panesMax(MIN_WINDOW));
    expect(700 - TOPBAR - 2 * GUTTER - resolveSizes(tall, MIN_WINDOW).panes).toBeGreaterThanOrEqual(190);
    expect(resolveSizes({ ...NO_PREFS, panes: 10 }, MIN_WINDOW).panes).toBe(LIMITS.panes.min);
    // The default gives the person's panes about half the height at the minimum window.
    expect(resolveSizes(NO_PREFS, MIN_WINDOW).panes).toBe(Math.round(0.52 * (700 - TOPBAR)));
  });

  it('a splitter move stays within the range it announces; dragging a side column far enough collapses it', () => {
    const r = range('sidebar', NO_PREFS, MIN_WINDOW);
    expect(r.min).toBe(0);
    expect(resize(NO_PREFS, 'sidebar', 5000, MIN_WINDOW).sidebar).toBe(r.max);
    expect(resize(NO_PREFS, 'sidebar', 120, MIN_WINDOW)).toMatchObject({ sidebar: LIMITS.sidebar.min, sidebarCollapsed: false });
    expect(resize(NO_PREFS, 'sidebar', 40, MIN_WINDOW).sidebarCollapsed).toBe(true);
    expect(resize(NO_PREFS, 'panes', 5000, MIN_WINDOW).panes).toBe(panesMax(MIN_WINDOW));
    expect(resize(NO_PREFS, 'panes', 0, MIN_WINDOW).panes).toBe(LIMITS.panes.min);
  });

  it('collapse (Home), restore (End) and reset (double-click) do what their keys promise', () => {
    const chosen = resize(NO_PREFS, 'right', 300, LAPTOP);
    const hidden = collapse(chosen, 'right', LAPTOP);
    expect(resolveSizes(hidden, LAPTOP).right).toBe(0);
    expect(centerWidth(hidden, LAPTOP)).toBeGreaterThan(centerWidth(chosen, LAPTOP));
    expect(resolveSizes(restore(hidden, 'right'), LAPTOP).right).toBe(300); // back to what the person chose
    expect(resolveSizes(reset(chosen, 'right'), LAPTOP).right).toBe(resolveSizes(NO_PREFS, LAPTOP).right);
    expect(collapse(NO_PREFS, 'panes', LAPTOP).panes).toBe(LIMITS.panes.min); // the person's panes never vanish
  });

  it('remembers the choices across reloads and ignores anything unreadable in storage', () => {
    const storage = new MemoryStorage();
    const chosen: LayoutPrefs = { ...NO_PREFS, sidebar: 300, panes: 280, rightCollapsed: true };
    savePrefs(storage, chosen);
    expect(loadPrefs(storage)).toEqual(chosen);
    for (const junk of ['{', '"x"', '[1,2]', JSON.stringify({ sidebar: 'wide', right: -5, panes: 1e9, sidebarCollapsed: 'yes' })]) {
      storage.setItem(STORAGE_KEY, junk);
      expect(loadPrefs(storage), junk).toEqual(NO_PREFS);
    }
    expect(loadPrefs(undefined)).toEqual(NO_PREFS);
    expect(() => savePrefs({ setItem: () => { throw new Error('QuotaExceededError'); } }, chosen)).not.toThrow();
  });
});
