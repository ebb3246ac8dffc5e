import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { BIG_STEP, STEP } from './layoutSizes';

/**
 * A focusable window splitter (WAI-ARIA APG "Window Splitter"): role="separator" with its value
 * (the controlled pane's size in px), arrows move it 16 px (Shift: 64), Home collapses the pane,
 * End restores it, a double-click resets it; a pointer drag is captured so it survives leaving the gutter.
 */
export function Splitter(props: {
  label: string;
  /** "vertical": a column divider (moves left/right); "horizontal": a row divider (moves up/down). */
  orientation: 'vertical' | 'horizontal';
  value: number;
  min: number;
  max: number;
  /** +1 when moving the splitter right/down grows the pane, -1 when it shrinks it (a pane right of or below the splitter). */
  direction: 1 | -1;
  controls?: string;
  onResize: (size: number) => void;
  onCollapse: () => void;
  onRestore: () => void;
  onReset: () => void;
  onDragEnd?: () => void;
}) {
  const { label, orientation, value, min, max, direction, controls, onResize, onCollapse, onRestore, onReset, onDragEnd } = props;
  const drag = useRef<{ start: number; size: number } | null>(null);
  const axis = (e: PointerEvent) => (orientation === 'vertical' ? e.clientX : e.clientY);

  const onKeyDown = (e: KeyboardEvent) => {
    const step = e.shiftKey ? BIG_STEP : STEP;
    const forward = orientation === 'vertical' ? 'ArrowRight' : 'ArrowDown';
    const back = orientation === 'vertical' ? 'ArrowLeft' : 'ArrowUp';
    if (e.key === forward) onResize(value + direction * step);
    else if (e.key === back) onResize(value - direction * step);
    else if (e.key === 'Home') onCollapse();
    else if (e.key === 'End') onRestore();
    else return;
    e.preventDefault();
    e.stopPropagation(); // the studio's own shortcuts never see a splitter's keys
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { start: axis(e), size: value };
    e.currentTarget.focus();
    e.preventDefault(); // no text selection while dragging
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    onResize(drag.current.size + direction * (axis(e) - drag.current.start));
  };
  const end = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    drag.current = null;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    onDragEnd?.();
  };

  return (
    <div
      className={`splitter splitter-${orientation}`} role="separator" tabIndex={0}
      aria-label={label} aria-orientation={orientation} aria-controls={controls}
      aria-valuenow={Math.round(value)} aria-valuemin={Math.round(min)} aria-valuemax={Math.round(max)}
      title={`${label}: drag, or arrow keys; Home hides, End restores, double-click resets`}
      onKeyDown={onKeyDown} onPointerDown={onPointerDown} onPointerMove={onPointerMove}
      onPointerUp={end} onPointerCancel={end} onLostPointerCapture={end} onDoubleClick={onReset}
    />
  );
}
