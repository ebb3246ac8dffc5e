import type { ReactNode } from 'react';

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
  return (
    <section className={`pane ${attention ? 'attention' : ''} ${className}`} aria-label={label}>
      <header className="pane-head">
        <h2>{title}</h2>
        {attention && <span className="your-turn">Your turn</span>}
        <div className="pane-actions">{actions}</div>
      </header>
      {attention && hint && <p className="pane-hint">{hint}</p>}
      <div className="pane-body">{children}</div>
    </section>
  );
}
