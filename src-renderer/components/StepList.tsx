import { useEffect, useRef } from 'react';
import { reviewStep, selectExchange } from '../store/selection';
import { shownSteps } from '../store/shownSteps';
import { get, isTerminal, useStudio } from '../store/studio';
import type { StepState } from '../types';

const ICON: Record<StepState['status'], string> = {
  pending: '', active: '●', waiting: '…', done: '✓', failed: '✕', skipped: '–',
};

/** The run's steps. Click one to review it: the diagram and the narration jump to that step. */
export function StepList() {
  const history = useStudio((s) => s.history);
  const profile = useStudio((s) => s.profile);
  const run = useStudio((s) => (s.history ? null : s.run));
  const info = useStudio((s) => s.info);
  const pendingFlow = useStudio((s) => s.pendingFlow);
  const exchanges = useStudio((s) => s.exchanges);
  const review = useStudio((s) => s.reviewStep);
  const steps = shownSteps({ history, run, info, pendingFlow, exchanges, profile });
  const live = run && !isTerminal(run) ? run.current : -1;
  const list = useRef<HTMLOListElement>(null);
  // Keep the step being worked on (or reviewed) in view as the run moves on.
  useEffect(() => {
    const el = list.current?.querySelector<HTMLElement>(review !== null ? '.reviewed' : '.live');
    el?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [live, review]);

  const pick = (i: number) => {
    if (review === i) return reviewStep(null);
    reviewStep(i);
    // Inspect what the step itself sent (the agent's or your request), not what the servers did in turn.
    const { exchanges, stepOf } = get();
    const inStep = exchanges.filter((e) => (e.step ?? stepOf[e.id]) === steps[i].name);
    const first = inStep.find((e) => e.from === 'Agent' || e.from === 'User') ?? inStep[0];
    if (first) selectExchange(first.id);
  };

  return (
    <nav className="step-list" aria-label="Steps">
      <div className="side-row">
        <h2 className="side-title">Steps</h2>
        {review !== null && <button type="button" className="ghost small" onClick={() => reviewStep(null)}>Back to live</button>}
      </div>
      {/* WCAG 2.1.1: the list scrolls, and before a run its steps are disabled: focusable itself, so the keys scroll it. */}
      <ol ref={list} tabIndex={0} aria-label="Steps of this flow">
        {steps.map((s, i) => (
          <li key={s.name}>
            <button
              type="button"
              className={`step st-${s.status}${i === live ? ' live' : ''}${i === review ? ' reviewed' : ''}`}
              aria-current={i === live ? 'step' : undefined}
              aria-pressed={i === review}
              disabled={s.status === 'pending' && i !== live}
              onClick={() => pick(i)}
            >
              <span className="step-icon" aria-hidden="true">{ICON[s.status] || i + 1}</span>
              <span className="step-title">{s.title}</span>
              <span className="sr-only"> — {s.status}</span>
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}

/** What the current (or reviewed) step is about: the agent's own explanation, for learners. Focusable: it scrolls in small windows (WCAG 2.1.1). */
export function StepNotes() {
  const history = useStudio((s) => s.history);
  const run = useStudio((s) => (s.history ? null : s.run));
  const review = useStudio((s) => s.reviewStep);
  const info = useStudio((s) => s.info);
  const pendingFlow = useStudio((s) => s.pendingFlow);
  const index = review ?? run?.current ?? null;
  const step = index !== null ? run?.steps[index] : undefined;
  if (history) {
    const flow = info?.flows.find((f) => f.id === history.flow);
    return flow ? (
      <aside className="step-notes" tabIndex={0} aria-label="About this flow">
        <strong>{flow.title}</strong> <span>{flow.summary}</span>
      </aside>
    ) : null;
  }
  if (!step) {
    const flow = info?.flows.find((f) => f.id === (run?.flow ?? pendingFlow));
    return flow ? (
      <aside className="step-notes" tabIndex={0} aria-label="About this flow">
        <strong>{flow.title}</strong> <span>{flow.summary}</span>
      </aside>
    ) : null;
  }
  return (
    <aside className="step-notes" tabIndex={0} aria-label="About this step">
      <strong>{review !== null ? 'Reviewing' : 'Step'} {index! + 1} · {step.title}</strong> <span>{step.explanation}</span>
      {step.detail && <span className="detail"> {step.detail}</span>}
    </aside>
  );
}
