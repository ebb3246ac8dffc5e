import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';

/**
 * Whether the element's content overflows it. A region that scrolls must be reachable by keyboard
 * (WCAG 2.1.1; axe scrollable-region-focusable), so it takes focus only while it does.
 */
function useScrolls(ref: RefObject<HTMLElement | null>): boolean {
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const check = () => setScrolls(el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1);
    const sizes = new ResizeObserver(check);
    const watchChildren = () => {
      for (const child of Array.from(el.children)) sizes.observe(child);
    };
    sizes.observe(el);
    watchChildren();
    const content = new MutationObserver(() => {
      watchChildren();
      check();
    });
    content.observe(el, { childList: true, subtree: true, characterData: true });
    check();
    return () => {
      sizes.disconnect();
      content.disconnect();
    };
  }, [ref]);
  return scrolls;
}

/** The frame shared by the person's panes: a titled region that lights up when it is their turn there. */
export function Pane(props: {
  label: string;
  title?: string;
  attention?: boolean;
  hint?: string;
  actions?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  const { label, title = label, attention, hint, actions, className = '', children } = props;
  const body = useRef<HTMLDivElement>(null);
  const scrolls = useScrolls(body);
  return (
    <section className={`pane ${attention ? 'attention' : ''} ${className}`} aria-label={label}>
      <header className="pane-head">
        <h2>{title}</h2>
        {attention && <span className="your-turn">Your turn</span>}
        <div className="pane-actions">{actions}</div>
      </header>
      {attention && hint && <p className="pane-hint">{hint}</p>}
      <div className="pane-body" ref={body} {...(scrolls ? { tabIndex: 0, role: 'group', 'aria-label': `${label}, scrolls` } : {})}>{children}</div>
    </section>
  );
}
