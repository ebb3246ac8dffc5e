import { useCallback, useEffect, useState } from 'react';
import { AgentPane } from './components/AgentPane';
import { BrowserPane } from './components/BrowserPane';
import { ConsentPane } from './components/ConsentPane';
import { ResetAllDialog, ResetRunDialog, ShortcutsDialog } from './components/Dialogs';
import { ExportMenu } from './components/ExportMenu';
import { ConformanceView, TestServiceButton } from './components/ConformanceView';
import { FlowPicker } from './components/FlowPicker';
import { HistoryBanner, HistoryMenu } from './components/History';
import { nextHint } from './components/hints';
import { InboxPane } from './components/InboxPane';
import { LessonBriefing } from './components/LessonBriefing';
import { presentedPane, PresenterToggle } from './components/Presenter';
import { ProfileBadge } from './components/ProfileSwitch';
import { Inspector } from './components/Inspector';
import { SequenceDiagram } from './components/SequenceDiagram';
import { StatePane } from './components/StatePane';
import { StepControls } from './components/StepControls';
import { StepList, StepNotes } from './components/StepList';
import { Toast } from './components/Toast';
import { useShortcuts } from './shortcuts';
import { loadInfo, setRightTab } from './store/actions';
import { connectEvents } from './store/events';
import { useStudio, type RightTab } from './store/studio';

const TABS: { id: RightTab; label: string }[] = [
  { id: 'inspector', label: 'Inspector' },
  { id: 'service', label: 'Service' },
  { id: 'provider', label: 'Provider' },
];

function Connection() {
  const c = useStudio((s) => s.connection);
  const text = c === 'live' ? 'Live' : c === 'connecting' ? 'Connecting…' : 'Offline — retrying';
  return <span className={`conn conn-${c}`} role="status" title="Live link to the studio (Server-Sent Events)"><span className="dot" aria-hidden="true" />{text}</span>;
}

function RightColumn() {
  const tab = useStudio((s) => s.rightTab);
  const wantsProvider = useStudio((s) => nextHint(s).pane === 'provider');
  return (
    <div className="right">
      <div className="tabs" role="tablist" aria-label="Details">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-selected={tab === t.id} aria-controls={`panel-${t.id}`}
            className={t.id === 'provider' && wantsProvider && tab !== t.id ? 'attention' : ''} onClick={() => setRightTab(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'inspector' ? <Inspector /> : <StatePane key={tab} role={tab} />}
      </div>
    </div>
  );
}

/** The person's panes, side by side; the one where it is their turn grows so its page is readable. */
function UserPanes() {
  const pane = useStudio((s) => nextHint(s).pane);
  const flow = useStudio((s) => s.run?.flow ?? s.pendingFlow);
  const presenting = useStudio((s) => (s.presenter ? presentedPane(s) : null));
  if (presenting === 'provider') return null;
  if (presenting) {
    const Only = { agent: AgentPane, consent: ConsentPane, inbox: InboxPane, browser: BrowserPane }[presenting];
    return <section className="user-panes" aria-label="You (the user)"><Only /></section>;
  }
  const widths = { agent: 1.1, consent: flow === 'id-jag' || flow === 'revocation' ? 1 : 0.72, inbox: 1, browser: 1.1 };
  if (pane === 'agent' || pane === 'consent' || pane === 'inbox' || pane === 'browser') widths[pane] = 1.55;
  // minmax(0, …): a pane's content (a long URL, a wide form) never widens the page past the window.
  const columns = `minmax(0, ${widths.agent}fr) minmax(0, ${widths.consent}fr) minmax(0, ${widths.inbox}fr) minmax(0, ${widths.browser}fr)`;
  return (
    <section className="user-panes" aria-label="You (the user)" style={{ gridTemplateColumns: columns }}>
      <AgentPane />
      <ConsentPane />
      <InboxPane />
      <BrowserPane />
    </section>
  );
}

export function App() {
  const [dialog, setDialog] = useState<'shortcuts' | 'reset' | 'reset-run' | null>(null);
  const showHelp = useCallback(() => setDialog('shortcuts'), []);
  const confirmReset = useCallback(() => setDialog('reset-run'), []);
  useShortcuts(showHelp, confirmReset);
  useEffect(() => {
    void loadInfo();
    return connectEvents();
  }, []);

  // When it is the person's turn, their panes get the room; otherwise the diagram and inspector do.
  const userTurn = useStudio((s) => ['agent', 'consent', 'inbox', 'browser'].includes(nextHint(s).pane ?? ''));
  // Presenter mode lays the page out by its own CSS (.app.presenter): diagram beside one pane.
  const presenter = useStudio((s) => (s.presenter ? presentedPane(s) : null));
  return (
    <div className={`app${presenter ? ' presenter' : ''}`}
      style={presenter ? undefined : { gridTemplateRows: `52px minmax(0, 1fr) minmax(0, ${userTurn ? 0.95 : 0.68}fr)` }}>
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
      <main className="work" aria-label="Studio">
        <aside className="sidebar">
          <FlowPicker />
          <StepList />
        </aside>
        <div className="center">
          <HistoryBanner />
          <LessonBriefing />
          <SequenceDiagram />
          <StepNotes />
        </div>
        {(!presenter || presenter === 'provider') && <RightColumn />}
      </main>
      <UserPanes />
      <ShortcutsDialog open={dialog === 'shortcuts'} onClose={() => setDialog(null)} />
      <ResetAllDialog open={dialog === 'reset'} onClose={() => setDialog(null)} />
      <ResetRunDialog open={dialog === 'reset-run'} onClose={() => setDialog(null)} />
      <ConformanceView />
      <Toast />
    </div>
  );
}
