import { useCallback, useEffect, useState } from 'react';
import { ResetAllDialog, ResetRunDialog, ShortcutsDialog } from './components/Dialogs';
import { ExportMenu } from './components/ExportMenu';
import { ConformanceView, TestServiceButton } from './components/ConformanceView';
import { FlowPicker } from './components/FlowPicker';
import { HistoryBanner, HistoryMenu } from './components/History';
import { LessonBriefing } from './components/LessonBriefing';
import { PresenterCaption, presentedPane, PresenterToggle, usePresenterScreen } from './components/Presenter';
import { ProfileBadge } from './components/ProfileSwitch';
import { SequenceDiagram } from './components/SequenceDiagram';
import { StepControls } from './components/StepControls';
import { StepList, StepNotes } from './components/StepList';
import { StudioLayout } from './components/StudioLayout';
import { Toast } from './components/Toast';
import { useShortcuts } from './shortcuts';
import { loadInfo } from './store/actions';
import { connectEvents } from './store/events';
import { useStudio } from './store/studio';

function Connection() {
  const c = useStudio((s) => s.connection);
  const text = c === 'live' ? 'Live' : c === 'connecting' ? 'Connecting…' : 'Offline — retrying';
  return <span className={`conn conn-${c}`} role="status" title="Live link to the studio (Server-Sent Events)"><span className="dot" aria-hidden="true" /><span className="conn-text">{text}</span></span>;
}

export function App() {
  const [dialog, setDialog] = useState<'shortcuts' | 'reset' | 'reset-run' | null>(null);
  const showHelp = useCallback(() => setDialog('shortcuts'), []);
  const confirmReset = useCallback(() => setDialog('reset-run'), []);
  useShortcuts(showHelp, confirmReset);
  usePresenterScreen();
  useEffect(() => {
    void loadInfo();
    return connectEvents();
  }, []);

  // Presenter mode lays the page out by its own CSS (.app.presenter): diagram beside one pane.
  const presenter = useStudio((s) => (s.presenter ? presentedPane(s) : null));
  const topbar = (
    <header className="topbar">
      <div className="brand">
        <span className="logo" aria-hidden="true">◆</span>
        <h1>Agentic Registration Studio</h1>
      </div>
      <ProfileBadge />
      <StepControls />
      <div className="topbar-end">
        <PresenterToggle />
        <HistoryMenu />
        <TestServiceButton />
        <ExportMenu />
        <button type="button" className="ghost" onClick={() => setDialog('reset')} aria-label="Reset all data…" title="Reset all data: registrations, grants, mails and traces">
          <span className="label-long">Reset all data…</span><span className="label-short" aria-hidden="true">Reset…</span>
        </button>
        <button type="button" className="ghost icon" onClick={showHelp} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">?</button>
        <Connection />
      </div>
    </header>
  );
  return (
    <StudioLayout presenter={presenter} topbar={topbar}
      sidebar={<><FlowPicker /><StepList /></>}
      center={<><HistoryBanner /><LessonBriefing /><SequenceDiagram /><StepNotes /><PresenterCaption /></>}>
      <ShortcutsDialog open={dialog === 'shortcuts'} onClose={() => setDialog(null)} />
      <ResetAllDialog open={dialog === 'reset'} onClose={() => setDialog(null)} />
      <ResetRunDialog open={dialog === 'reset-run'} onClose={() => setDialog(null)} />
      <ConformanceView />
      <Toast />
    </StudioLayout>
  );
}
