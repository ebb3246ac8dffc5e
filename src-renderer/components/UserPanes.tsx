import { useStudio } from '../store/studio';
import { AgentPane } from './AgentPane';
import { BrowserPane } from './BrowserPane';
import { ConsentPane } from './ConsentPane';
import { nextHint } from './hints';
import { InboxPane } from './InboxPane';
import { presentedPane } from './Presenter';

/** How much wider (in fr) the pane where it is the person's turn gets, so its page or question is readable at 1024 px. */
const TURN_GROWTH = 0.7;

/**
 * The person's panes, side by side. Their widths follow the flow (a flow without a consent page gives
 * that room to the agent and the browser). The person's turn never changes the row or the diagram
 * above it (issue 16: "the layout jumps when it is the person's turn"): the pane lights up ("Your
 * turn") and, while the person has left the row at its default height, widens within the row by a
 * short CSS transition — at 1024×700 that is what puts the claim page's "Reveal code" button and
 * two narration entries beside the agent's question in view. Once the person sizes the row
 * themselves, every pane stays where they put it.
 */
export function UserPanes({ growTurn = false }: { growTurn?: boolean }) {
  const flow = useStudio((s) => s.run?.flow ?? s.pendingFlow);
  const turn = useStudio((s) => nextHint(s).pane);
  const presenting = useStudio((s) => (s.presenter ? presentedPane(s) : null));
  if (presenting === 'provider') return null;
  if (presenting) {
    const Only = { agent: AgentPane, consent: ConsentPane, inbox: InboxPane, browser: BrowserPane }[presenting];
    return <section className="user-panes" aria-label="You (the user)"><Only /></section>;
  }
  const consentPage = flow === 'id-jag' || flow === 'revocation';
  const widths = consentPage ? { agent: 1.2, consent: 1.05, inbox: 0.9, browser: 1 } : { agent: 1.3, consent: 0.6, inbox: 0.95, browser: 1.35 };
  if (growTurn && (turn === 'agent' || turn === 'consent' || turn === 'inbox' || turn === 'browser')) widths[turn] += TURN_GROWTH;
  // minmax(0, …): a pane's content (a long URL, a wide form) never widens the page past the window.
  const columns = `minmax(0, ${widths.agent}fr) minmax(0, ${widths.consent}fr) minmax(0, ${widths.inbox}fr) minmax(0, ${widths.browser}fr)`;
  return (
    <section className="user-panes" id="studio-user-panes" aria-label="You (the user)" style={{ gridTemplateColumns: columns }}>
      <AgentPane />
      <ConsentPane />
      <InboxPane />
      <BrowserPane />
    </section>
  );
}
