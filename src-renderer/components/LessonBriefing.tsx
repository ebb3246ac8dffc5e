import { useState } from 'react';
import { briefingOf } from '../lessons/briefings';
import { nextStep, togglePlay } from '../store/actions';
import { isTerminal, useStudio } from '../store/studio';

/**
 * A lesson opens with its briefing (issue 16): what it teaches, what will go wrong, what the person
 * should do (and not do), where to look, and the remedy the agent will apply. It covers the empty
 * diagram until the lesson starts; then it folds into one line that opens again on demand.
 */
export function LessonBriefing() {
  const run = useStudio((s) => (s.history ? null : s.run));
  const scenario = useStudio((s) => s.info?.scenarios.find((x) => x.id === s.run?.scenario));
  const [closedFor, setClosedFor] = useState<string | null>(null);
  const [openFor, setOpenFor] = useState<string | null>(null);
  const briefing = briefingOf(scenario?.id);
  if (!run || !scenario || !briefing || isTerminal(run)) return null;

  const full = openFor === run.id || (run.status === 'ready' && closedFor !== run.id);
  if (!full)
    return (
      <div className="briefing-strip">
        <span><strong>Lesson · {scenario.title}</strong> — your part: {briefing.consentHint ?? briefing.yourPart.split(/(?<=\.) /)[0]}</span>
        <button type="button" className="small" onClick={() => setOpenFor(run.id)}>Briefing</button>
      </div>
    );
  const close = () => { setClosedFor(run.id); setOpenFor(null); };
  return (
    <section className="briefing" aria-label="Lesson briefing">
      <h2>Lesson · {scenario.title}</h2>
      <p className="briefing-lesson">{scenario.lesson}</p>
      <dl>
        <div><dt>What will go wrong</dt><dd>{scenario.expected}</dd></div>
        <div className="your-part"><dt>Your part</dt><dd>{briefing.yourPart}</dd></div>
        <div><dt>Watch the diagram</dt><dd>{briefing.watch}</dd></div>
        <div><dt>The remedy</dt><dd>{scenario.remedy}</dd></div>
      </dl>
      <div className="briefing-actions">
        {run.status === 'ready' ? (
          <>
            <button type="button" className="primary" onClick={() => { close(); void togglePlay(); }}>Play the lesson</button>
            <button type="button" onClick={() => { close(); void nextStep(); }}>Step through it</button>
          </>
        ) : (
          <button type="button" className="primary" onClick={close}>Back to the diagram</button>
        )}
      </div>
    </section>
  );
}
