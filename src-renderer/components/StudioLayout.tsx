import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { RightColumn } from './RightColumn';
import { Splitter } from './Splitter';
import { UserPanes } from './UserPanes';
import {
  collapse, GUTTER, loadPrefs, range, reset, resize, resolveSizes, restore, savePrefs, TOPBAR, REOPEN,
  type LayoutPrefs, type PaneKey, type Win,
} from './layoutSizes';
import './layout.css';

const storage = (): Storage | undefined => {
  try {
    return window.localStorage;
  } catch {
    return undefined; // storage disabled: nothing is remembered, everything still works
  }
};

function useWindowSize(): Win {
  const read = () => ({ width: document.documentElement.clientWidth, height: document.documentElement.clientHeight });
  const [win, setWin] = useState<Win>(read);
  useEffect(() => {
    const onResize = () => setWin(read());
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return win;
}

/** The person's splitter choices, remembered across reloads (localStorage) and clamped to the window on every resize. */
function useLayoutPrefs() {
  const [prefs, setPrefs] = useState<LayoutPrefs>(() => loadPrefs(storage()));
  const update = useCallback((next: (p: LayoutPrefs) => LayoutPrefs) => {
    setPrefs((p) => {
      const n = next(p);
      savePrefs(storage(), n);
      return n;
    });
  }, []);
  return [prefs, update] as const;
}

function Reopen({ side, onOpen }: { side: 'left' | 'right'; onOpen: () => void }) {
  const what = side === 'left' ? 'flows and steps' : 'details column';
  return (
    <button type="button" className={`reopen reopen-${side}`} onClick={onOpen} aria-label={`Show the ${what}`} title={`Show the ${what}`}
      aria-controls={side === 'left' ? 'studio-sidebar' : 'studio-right'} aria-expanded={false}>
      <span aria-hidden="true">{side === 'left' ? '›' : '‹'}</span>
    </button>
  );
}

/**
 * The studio's page (issue 16): the topbar, then the work area — flows and steps | the sequence
 * diagram | the details column — above the person's panes, with a splitter between each. The
 * splitters' sizes persist, are clamped to the window, and the person's turn never changes them.
 * Presenter mode (`.app.presenter`, styles.css) lays the same parts out by its own CSS, without splitters.
 */
export function StudioLayout(props: { presenter: 'agent' | 'consent' | 'inbox' | 'browser' | 'provider' | null; topbar: ReactNode; sidebar: ReactNode; center: ReactNode; children: ReactNode }) {
  const { presenter, topbar, sidebar, center, children } = props;
  const win = useWindowSize();
  const [prefs, update] = useLayoutPrefs();

  const sizes = resolveSizes(prefs, win);
  const splitter = (key: PaneKey, label: string, direction: 1 | -1, controls: string) => {
    const { min, max } = range(key, prefs, win);
    return (
      <Splitter key={key} label={label} orientation={key === 'panes' ? 'horizontal' : 'vertical'} direction={direction} controls={controls}
        value={sizes[key]} min={min} max={max}
        onResize={(size) => update((p) => resize(p, key, size, win))}
        onCollapse={() => update((p) => collapse(p, key, win))}
        onRestore={() => update((p) => restore(p, key))}
        onReset={() => update((p) => reset(p, key))} />
    );
  };
  const columns = [
    prefs.sidebarCollapsed ? `${REOPEN}px` : `${sizes.sidebar}px ${GUTTER}px`,
    'minmax(0, 1fr)',
    prefs.rightCollapsed ? `${REOPEN}px` : `${GUTTER}px ${sizes.right}px`,
  ].join(' ');
  const hide = (key: 'sidebar' | 'right') => () => update((p) => collapse(p, key, win));
  const show = (key: 'sidebar' | 'right') => () => update((p) => restore(p, key));

  // One tree for both modes (the same elements at the same places), so toggling presenter mode keeps
  // the diagram, the inspector and the panes mounted: only the class, the grid and the splitters change.
  const split = !presenter;
  const sidebarOpen = presenter || !prefs.sidebarCollapsed;
  const rightOpen = presenter ? presenter === 'provider' : !prefs.rightCollapsed;
  return (
    <div className={split ? 'app split' : 'app presenter'}
      style={split ? { gridTemplateRows: `${TOPBAR}px minmax(0, 1fr) ${GUTTER}px ${sizes.panes}px` } : undefined}>
      {topbar}
      <main className="work" aria-label="Studio" style={split ? { gridTemplateColumns: columns } : undefined}>
        <>
          {sidebarOpen ? (
            <aside className="sidebar" id="studio-sidebar">
              {split && (
                <button type="button" className="ghost icon collapse-btn sidebar-hide" onClick={hide('sidebar')}
                  aria-label="Hide the flows and steps" title="Hide the flows and steps (the diagram takes the width)">
                  <span aria-hidden="true">«</span>
                </button>
              )}
              {sidebar}
            </aside>
          ) : <Reopen side="left" onOpen={show('sidebar')} />}
          {split && sidebarOpen && splitter('sidebar', 'Resize the flows and steps', 1, 'studio-sidebar')}
        </>
        <div className="center">{center}</div>
        <>
          {split && rightOpen && splitter('right', 'Resize the details column', -1, 'studio-right')}
          {rightOpen ? <RightColumn onHide={split ? hide('right') : undefined} /> : split && <Reopen side="right" onOpen={show('right')} />}
        </>
      </main>
      {split && splitter('panes', 'Resize your panes', -1, 'studio-user-panes')}
      <UserPanes growTurn={split && prefs.panes === null} />
      {children}
    </div>
  );
}
