import { useEffect, useState } from 'react';
import { useStudio } from '../store/studio';
import { AutopilotPage } from './AutopilotPage';
import { nextHint } from './hints';
import { Pane } from './Pane';

/** The provider's real consent page, framed, whenever the agent asks for your consent. */
export function ConsentPane() {
  const run = useStudio((s) => s.run);
  const progress = useStudio((s) => s.progress);
  const busy = useStudio((s) => s.busy);
  const hint = nextHint({ run, progress, busy });
  const wait = run?.waitingFor;
  const [shown, setShown] = useState<{ runId: string; url: string } | null>(null);

  // Keep the page after you answer (it shows the provider's result) until the next run.
  useEffect(() => {
    if (wait?.kind === 'approve_consent' && wait.url && run) setShown({ runId: run.id, url: wait.url });
  }, [wait?.kind, wait?.url, run?.id]);
  const page = shown && shown.runId === run?.id ? shown.url : null;
  const auto = useStudio((s) => (s.autopilotView.runId === run?.id ? s.autopilotView.consent : null));

  return (
    <Pane label="Consent prompt" attention={hint.pane === 'consent'} hint={hint.text} className="consent-pane">
      {auto ? (
        <AutopilotPage page={auto} title="Consent prompt page" />
      ) : page ? (
        <iframe key={page} className="page-frame" src={page} title="Consent prompt page" />
      ) : (
        <div className="placeholder">
          <p className="empty-title">No consent request</p>
          <p className="muted">
            When the agent asks your provider to vouch for you, the provider's consent page appears here. You decide: allow once,
            always allow, or deny.
          </p>
        </div>
      )}
    </Pane>
  );
}
