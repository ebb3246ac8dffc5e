import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { reviewStep, selectExchange } from '../store/actions';
import { isTerminal, useStudio } from '../store/studio';
import type { Actor, StepState } from '../types';
import {
  actorsOf, buildBands, fit, requestLabel, responseLabel, toneOf, type Band, type Row,
} from './diagramModel';

const HEADS = 36; // the sticky lifeline heads sit over the top of the svg
const BAND_HEAD = 28;
const ROW_H = 50;
const EMPTY_H = 20;
const SIDE = 16;

interface Placed<T> { y: number; item: T }

function layout(bands: Band[]) {
  let y = HEADS + 6;
  const placed: { band: Placed<Band>; rows: Placed<Row>[]; height: number }[] = [];
  for (const band of bands) {
    const top = y;
    y += BAND_HEAD;
    const rows = band.rows.map((row) => ({ y: (y += ROW_H) - ROW_H, item: row }));
    if (!band.rows.length) y += band.status === 'pending' ? -6 : EMPTY_H;
    placed.push({ band: { y: top, item: band }, rows, height: y - top });
    y += 4;
  }
  return { placed, height: y + 16 };
}

const STATUS_WORD: Record<string, string> = {
  pending: 'to come', active: 'now', waiting: 'waiting for you', done: 'done', failed: 'failed', skipped: 'skipped', outside: '',
};

/** The live sequence diagram, drawn as SVG from the recorded trace. */
export function SequenceDiagram() {
  const run = useStudio((s) => s.run);
  const info = useStudio((s) => s.info);
  const pendingFlow = useStudio((s) => s.pendingFlow);
  const exchanges = useStudio((s) => s.exchanges);
  const stepOf = useStudio((s) => s.stepOf);
  const selected = useStudio((s) => s.selectedExchangeId);
  const review = useStudio((s) => s.reviewStep);
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);
  const [viewHeight, setViewHeight] = useState(0);

  const steps: Pick<StepState, 'name' | 'title' | 'status'>[] = useMemo(
    () => run?.steps ?? info?.flows.find((f) => f.id === pendingFlow)?.steps.map((s) => ({ ...s, status: 'pending' as const })) ?? [],
    [run?.steps, info, pendingFlow],
  );
  const bands = useMemo(() => buildBands(exchanges, steps, stepOf), [exchanges, steps, stepOf]);
  const actors = actorsOf(exchanges);
  const { placed, height } = useMemo(() => layout(bands), [bands]);
  const colW = (width - SIDE * 2) / actors.length;
  const x = (a: Actor) => SIDE + colW * (Math.max(0, actors.indexOf(a)) + 0.5);
  const live = run && !isTerminal(run) ? run.current : null;
  const labels = [...new Set(exchanges.filter((e) => e.from === 'External client' && e.fromLabel).map((e) => e.fromLabel))];
  const externalTitle = labels.length ? `External client: ${labels.join(', ')}` : 'External client';

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      setWidth(Math.max(480, el.clientWidth));
      setViewHeight(el.clientHeight); // the panes below grow and shrink: keep following
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Follow the run: keep the newest arrow (or the reviewed step) in view.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const target = review !== null
      ? placed.find((p) => p.band.item.index === review)
      : [...placed].reverse().find((p) => p.rows.length || p.band.item.index === live);
    if (!target) return;
    const top = review !== null ? target.band.y - HEADS - 4 : target.band.y + target.height - el.clientHeight + 40;
    el.scrollTo({ top: Math.max(0, top), behavior: 'smooth' });
  }, [exchanges.length, live, review, placed, viewHeight]);

  const onKey = (e: KeyboardEvent, act: () => void) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
      act();
    }
  };

  return (
    <section className="diagram" aria-label="Sequence diagram">
      <div className="diagram-scroll" ref={scroller}>
        <div className="lifeline-heads" style={{ width }}>
          {actors.map((a) => (
            <div key={a} className={`lifeline-head actor-${a.replace(' ', '-').toLowerCase()}${colW < 112 ? ' compact' : ''}`}
              style={{ left: x(a), width: Math.min(colW - 4, 120) }} title={a === 'External client' ? externalTitle : a}>
              {a}
            </div>
          ))}
        </div>
        <svg width={width} height={height} role="group" aria-label="Requests, in the order they happened">
          {actors.map((a) => (
            <line key={a} className="lifeline" x1={x(a)} x2={x(a)} y1={0} y2={height} />
          ))}
          {placed.map(({ band, rows, height: h }) => {
            const b = band.item;
            const cls = [
              'band', `band-${b.status}`,
              b.index !== null && b.index === live ? 'band-current' : '',
              review !== null ? (b.index === review ? 'band-reviewed' : 'band-dim') : '',
            ].join(' ');
            return (
              <g key={b.key} className={cls}>
                <rect className="band-bg" x={2} y={band.y} width={width - 4} height={h} rx={6} />
                <g
                  className="band-head"
                  role={b.index !== null ? 'button' : undefined}
                  tabIndex={b.index !== null ? 0 : undefined}
                  aria-label={b.index !== null ? `Step ${b.index + 1}: ${b.title} (${STATUS_WORD[b.status]}) — review this step` : undefined}
                  onClick={() => b.index !== null && reviewStep(b.index)}
                  onKeyDown={(e) => b.index !== null && onKey(e, () => reviewStep(b.index))}
                >
                  <rect className="band-head-hit" x={2} y={band.y} width={width - 4} height={BAND_HEAD - 4} rx={6} />
                  <text className="band-title" x={12} y={band.y + 17}>
                    {b.index !== null ? `${b.index + 1} · ${b.title}` : b.title}
                  </text>
                  <text className="band-status" x={width - 12} y={band.y + 17} textAnchor="end">
                    {b.index !== null && b.index === live && b.status !== 'waiting' ? 'now' : STATUS_WORD[b.status]}
                  </text>
                </g>
                {!rows.length && b.status !== 'pending' && (
                  <text className="band-empty" x={width / 2} y={band.y + BAND_HEAD + 10} textAnchor="middle">
                    {b.status === 'skipped' ? 'skipped' : b.status === 'active' || b.status === 'waiting' ? '· · ·' : 'no requests in this step'}
                  </text>
                )}
                {rows.map(({ y, item }) => (
                  <Arrow key={item.key} row={item} y={y} x1={x(item.exchange.from)} x2={x(item.exchange.to)}
                    selected={item.exchange.id === selected} onKey={onKey} />
                ))}
              </g>
            );
          })}
        </svg>
      </div>
    </section>
  );
}

function Arrow(props: { row: Row; y: number; x1: number; x2: number; selected: boolean; onKey: (e: KeyboardEvent, act: () => void) => void }) {
  const { row, y, x1, x2, selected } = props;
  const e = row.exchange;
  const span = Math.abs(x2 - x1);
  const dir = x2 >= x1 ? 1 : -1;
  const mid = (x1 + x2) / 2;
  const req = requestLabel(e) + (row.repeat > 1 ? ` ×${row.repeat}` : '');
  const res = responseLabel(e);
  const who = e.from === 'External client' && e.fromLabel ? `${e.from} (${e.fromLabel})` : e.from;
  const select = () => selectExchange(e.id);
  const head = (hx: number, hy: number, d: number) => `${hx},${hy} ${hx - 8 * d},${hy - 4.5} ${hx - 8 * d},${hy + 4.5}`;
  const self = span < 1;
  return (
    <g
      className={`arrow tone-${toneOf(e.status)}${selected ? ' selected' : ''}${e.from === 'External client' ? ' external' : ''}`}
      role="button"
      tabIndex={0}
      aria-pressed={selected}
      aria-label={`${requestLabel(e)} from ${who} to ${e.to}, answered ${res}`}
      onClick={select}
      onKeyDown={(ev) => props.onKey(ev, select)}
    >
      <title>{`${e.method} ${e.url}\n${who} → ${e.to}\n${res} · ${Math.round(e.durationMs)} ms`}</title>
      <rect className="hit" x={Math.min(x1, x2) - 12} y={y + 2} width={Math.max(span, 60) + 24} height={ROW_H - 4} rx={5} />
      {self ? (
        <path className="req" d={`M${x1},${y + 18} h36 v20 h-36`} />
      ) : (
        <>
          <line className="req" x1={x1} y1={y + 20} x2={x2 - 2 * dir} y2={y + 20} />
          <polygon className="req-head" points={head(x2, y + 20, dir)} />
          <line className="res" x1={x2} y1={y + 41} x2={x1 + 2 * dir} y2={y + 41} />
          <polyline className="res-head" points={`${x1 + 8 * dir},${y + 36.5} ${x1},${y + 41} ${x1 + 8 * dir},${y + 45.5}`} />
        </>
      )}
      <text className="req-label" x={self ? x1 + 42 : mid} y={y + 14} textAnchor={self ? 'start' : 'middle'}>
        {fit(req, Math.max(span, 150) - 12)}
      </text>
      <text className="res-label" x={self ? x1 + 42 : mid} y={y + 36} textAnchor={self ? 'start' : 'middle'}>
        {fit(res, Math.max(span, 150) - 12)}
      </text>
    </g>
  );
}
