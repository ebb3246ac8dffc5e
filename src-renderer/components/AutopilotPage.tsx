import type { ShownPage } from '../store/autopilotView';

/**
 * A page autopilot loaded as the person, drawn from the recorded response: sandboxed (no script,
 * no form, no request of its own), under a note saying what it just did there. Keyed by the
 * exchange, so the brief highlight plays again at each new act.
 */
export function AutopilotPage({ page, title }: { page: ShownPage; title: string }) {
  return (
    <div key={page.seq} className="autopilot-act">
      <p className="autopilot-note" role="status">{page.note}</p>
      <iframe className="page-frame" srcDoc={page.html} sandbox="" title={title} />
    </div>
  );
}
