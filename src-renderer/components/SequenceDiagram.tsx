import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { reviewStep, selectExchange } from '../store/selection';
import { liveProfile } from '../store/profile';
import { Laser, type LaserSpot } from './Laser';
import { shownSteps } from '../store/shownSteps';
import { isTerminal, useStudio } from '../store/studio';
import type { KeyMomentKind } from '../../src-servers/protocol/run';
import type { Actor } from '../types';
import {
  actorsOf, buildBands, fit, placeLabel, requestLabel, responseLabel, toneOf, traceProfile, type Band, type Row,
} from './diagramModel';

const HEADS = 36; // the sticky lifeline heads sit over the top of the svg
const BAND_HEAD = 28;
const ROW_H = 50;
/** A request with nested calls is drawn in two halves: the request, its nested calls, then the answer. */
const HALF_H = 28;
const EMPTY_H = 20;
const SIDE = 16;
const PRESENTER_LABEL_PX = 17;

/** How wide `text` is drawn in `font` (a canvas measures it as the page will draw it). */
let measurer: CanvasRenderingContext2D | null | undefined;
function textWidth(text: string, font: string): number {
  if (measurer === undefined) measurer = document.createElement('canvas').getContext('2d');
  if (!measurer) return text.length * 10;
  measurer.font = `${font} ${getComputedStyle(document.body).fontFamily}`;
  return measurer.measureText(text).width;
}

/** Where the laser points: the newest arrow drawn (the last answer, once its nested calls are in). */
function laserSpot(placed: ReturnType<typeof layout>['placed'], x: (a: Actor) => number): LaserSpot | null {
  const newest = [...placed].reverse().find((p) => p.rows.length)?.rows.at(-1);
  if (!newest) return null;
  const { y, item } = newest;
  const e = item.row.exchange;
  const [from, to] = [x(e.from), x(e.to)];
  if (Math.abs(to - from) < 1) return { from, to: from + 36, y: y + 28, exchangeId: e.id }; // a call to itself: its loop
  return item.part === 'response' ? { from: to, to: from, y: y + 19, exchangeId: e.id } : { from, to, y: y + 20, exchangeId: e.id };
}

interface Placed<T> { y: number; item: T }
/** One drawn arrow: a whole exchange, or the request or answer half of one with nested calls. */
interface Drawn { row: Row; part: 'both' | 'request' | 'response'; depth: number; activation?: { from: number; to: number } }

/** Flatten rows into arrows top to bottom, nested calls between their parent's request and answer. */
function drawRows(rows: Row[], y: number, depth: number, out: Placed<Drawn>[]): number {
  for (const row of rows) {
    if (!row.nested.length) {
      out.push({ y, item: { row, part: 'both', depth } });
      y += ROW_H;
      continue;
    }
    const request: Placed<Drawn> = { y, item: { row, part: 'request', depth } };
    out.push(request);
    y = drawRows(row.nested, y + HALF_H, depth + 1, out);
    out.push({ y, item: { row, part: 'response', depth } });
    // The callee's activation bar: from the request's arrow to its answer's.
    request.item.activation = { from: request.y + 20, to: y + 19 };
    y += HALF_H;
  }
  return y;
}

function layout(bands: Band[]) {
  let y = HEADS + 6;
  const placed: { band: Placed<Band>; rows: Placed<Drawn>[]; height: number }[] = [];
  for (const band of bands) {
    const top = y;
    y += BAND_HEAD;
    const rows: Placed<Drawn>[] = [];
    y = drawRows(band.rows, y, 0, rows);
    if (!band.rows.length) y += band.status === 'pending' ? -6 : EMPTY_H;
    placed.push({ band: { y: top, item: band }, rows, height: y - top });
    y += 4;
  }
  return { placed, height: y + 16 };
}

/** A key moment drawn on its step's band (protocol/run.ts KeyMoment): where a lesson's failure and its remedy show. */
const MOMENT_WORD: Record<KeyMomentKind, string> = {
  credential: '◆ credential', failure: '⚠ the failure', remedy: '✓ the remedy',
};

const STATUS_WORD: Record<string, string> = {
  pending: 'to come', active: 'now', waiting: 'waiting for you', done: 'done', failed: 'failed', skipped: 'skipped', outside: '',
};

/** The live sequence diagram, drawn as SVG from the recorded trace. */
export function SequenceDiagram() {
  const history = useStudio((s) => s.history);
  const profile = useStudio((s) => s.profile);
  const run = useStudio((s) => (s.history ? null : s.run));
  const info = useStudio((s) => s.info);
  const pendingFlow = useStudio((s) => s.pendingFlow);
  const exchanges = useStudio((s) => s.exchanges);
  const stepOf = useStudio((s) => s.stepOf);
  const selected = useStudio((s) => s.selectedExchangeId);
  const review = useStudio((s) => s.reviewStep);
  // Presenter mode draws the labels at 17 px (presenter.css), so they are measured so.
  const presenter = useStudio((s) => s.presenter);
  const labelPx = presenter ? PRESENTER_LABEL_PX : 11;
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);
  const [viewHeight, setViewHeight] = useState(0);

  const steps = useMemo(
    () => shownSteps({ history, run, info, pendingFlow, exchanges, profile }),
    [history, run, info, pendingFlow, exchanges, profile],
  );
  const bands = useMemo(() => buildBands(exchanges, steps, stepOf), [exchanges, steps, stepOf]);
  // Only the roles the run's profile uses (no Inbox on v0.6); a past run, by the profile that answered in it.
  const lifelineProfile = useStudio((s) => (s.history ? undefined : liveProfile(s)));
  const actors = useMemo(() => actorsOf(exchanges, lifelineProfile ?? traceProfile(exchanges)), [exchanges, lifelineProfile]);
  const { placed, height } = useMemo(() => layout(bands), [bands]);
  const colW = (width - SIDE * 2) / actors.length;
  const x = (a: Actor) => SIDE + colW * (Math.max(0, actors.indexOf(a)) + 0.5);
  const live = run && !isTerminal(run) ? run.current : null;
  const moments = run?.moments ?? [];
  const spot = presenter ? laserSpot(placed, x) : null;
  const labels = [...new Set(exchanges.filter((e) => e.from === 'External client' && e.fromLabel).map((e) => e.fromLabel))];
  const externalTitle = labels.length ? `External client: ${labels.join(', ')}` : 'External client';

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      setWidth(Math.max(360, el.clientWidth));
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
            // The lesson's failure outranks the credential that came with it; the remedy outranks both.
            const moment = ['remedy', 'failure', 'credential'].map((k) => moments.find((m) => m.kind === k && m.step === b.index)).find(Boolean);
            const cls = [
              'band', `band-${b.status}`, moment ? `band-moment-${moment.kind}` : '',
              b.index !== null && b.index === live ? 'band-current' : '',
              review !== null ? (b.index === review ? 'band-reviewed' : 'band-dim') : '',
            ].join(' ');
            // WCAG 2.5.3 (label in name): the step's button is named by the title it shows ("3 · Register…"), then its status.
            const title = b.index !== null ? `${b.index + 1} · ${b.title}` : b.title;
            const status = b.index !== null && b.index === live && b.status !== 'waiting' ? 'now' : STATUS_WORD[b.status];
            const px = presenter ? [18, 17] : [11.5, 11];
            const titlePx = textWidth(title, `650 ${px[0]}px`);
            const statusPx = textWidth(status, `600 ${px[1]}px`);
            const statusFits = width - 36 - titlePx - statusPx >= 0;
            const momentWord = moment ? MOMENT_WORD[moment.kind] : '';
            const momentFits = Boolean(moment) && statusFits && width - 60 - titlePx - statusPx - textWidth(momentWord, `600 ${px[1]}px`) >= 0;
            return (
              <g key={b.key} className={cls}>
                <rect className="band-bg" x={2} y={band.y} width={width - 4} height={h} rx={6} />
                <g
                  className="band-head"
                  role={b.index !== null ? 'button' : undefined}
                  tabIndex={b.index !== null ? 0 : undefined}
                  aria-label={b.index !== null ? `${title}, ${status || 'outside the steps'}${moment ? `, ${moment.text}` : ''} — review this step` : undefined}
                  onClick={() => b.index !== null && reviewStep(b.index)}
                  onKeyDown={(e) => b.index !== null && onKey(e, () => reviewStep(b.index))}
                >
                  <rect className="band-head-hit" x={2} y={band.y} width={width - 4} height={BAND_HEAD - 4} rx={6} />
                  <text className="band-title" x={12} y={band.y + 17}>{title}</text>
                </g>
                {/* Outside the button, whose name says it: a button's visible text must be one run of its name.
                    A long title in big type (presenter mode) would run under the status word: then the title
                    wins — the band's colour and the head's name still say the status. */}
                {statusFits && (
                  <text className="band-status" x={width - 12} y={band.y + 17} textAnchor="end" aria-hidden="true"
                    style={{ pointerEvents: 'none' }}>{status}</text>
                )}
                {momentFits && (
                  <text className={`band-moment moment-${moment!.kind}`} x={width - 24 - statusPx} y={band.y + 17} textAnchor="end" aria-hidden="true"
                    style={{ pointerEvents: 'none' }}><title>{moment!.text}</title>{momentWord}</text>
                )}
                {!rows.length && b.status !== 'pending' && (
                  <text className="band-empty" x={width / 2} y={band.y + BAND_HEAD + 10} textAnchor="middle">
                    {b.status === 'skipped' ? 'skipped' : b.status === 'active' || b.status === 'waiting' ? '· · ·' : 'no requests in this step'}
                  </text>
                )}
                {rows.map(({ y, item }) => item.activation && (
                  <rect key={`${item.row.key}-active`} className="activation" x={x(item.row.exchange.to) - 4} y={item.activation.from}
                    width={8} height={item.activation.to - item.activation.from} rx={2} />
                ))}
                {rows.map(({ y, item }) => (
                  <Arrow key={`${item.row.key}-${item.part}`} row={item.row} part={item.part} y={y} width={width} labelPx={labelPx}
                    x1={x(item.row.exchange.from)} x2={x(item.row.exchange.to)}
                    selected={item.row.exchange.id === selected} onKey={onKey} />
                ))}
              </g>
            );
          })}
          {presenter && review === null && spot && <Laser spot={spot} />}
        </svg>
      </div>
    </section>
  );
}

function Arrow(props: {
  row: Row; part: Drawn['part']; y: number; x1: number; x2: number; width: number; labelPx: number; selected: boolean;
  onKey: (e: KeyboardEvent, act: () => void) => void;
}) {
  const { row, part, x1, x2, selected } = props;
  // The answer half takes a half row: drawn as if its row started 22 px higher, its label and arrow
  // sit where a request's would (y + 14, y + 19).
  const y = part === 'response' ? props.y - 22 : props.y;
  const drawReq = part !== 'response';
  const drawRes = part !== 'request';
  const e = row.exchange;
  const span = Math.abs(x2 - x1);
  const dir = x2 >= x1 ? 1 : -1;
  const mid = (x1 + x2) / 2;
  const label = requestLabel(e);
  const times = row.repeat > 1 ? ` ×${row.repeat}` : '';
  const res = responseLabel(e);
  const who = e.from === 'External client' && e.fromLabel ? `${e.from} (${e.fromLabel})` : e.from;
  const select = () => selectExchange(e.id);
  const head = (hx: number, hy: number, d: number) => `${hx},${hy} ${hx - 8 * d},${hy - 4.5} ${hx - 8 * d},${hy + 4.5}`;
  const self = span < 1;
  const req = self ? fit(label + times, props.width - x1 - 42 - SIDE, props.labelPx) : placeLabel(label + times, mid, props.width, SIDE, props.labelPx).text;
  const reqX = self ? x1 + 42 : placeLabel(label + times, mid, props.width, SIDE, props.labelPx).x;
  const resAt = placeLabel(res, mid, props.width, SIDE, props.labelPx);
  // WCAG 2.5.3 (label in name): the button's visible text is its request label alone, which starts its
  // name; the answer and a repeat count ("×3") are drawn beside it, outside the button, hidden from AT
  // (the name says them in words).
  const shownLabel = req.endsWith(times) && times ? req.slice(0, -times.length) : req;
  const shownTimes = req.slice(shownLabel.length);
  const anchor = self ? 'start' : 'middle';
  const tone = `tone-${toneOf(e.status)}${selected ? ' selected' : ''}${e.from === 'External client' ? ' external' : ''}`;
  // One button per exchange: the answer half of a split exchange is clickable but not a second button.
  const button = drawReq && (
    <g
      className={`arrow ${tone}`}
      role="button"
      tabIndex={0}
      aria-pressed={selected}
      aria-label={`${label} from ${who} to ${e.to}, answered ${res}${row.repeat > 1 ? `, ${row.repeat} times` : ''}`}
      onClick={select}
      onKeyDown={(ev) => props.onKey(ev, select)}
    >
      <title>{`${e.method} ${e.url}\n${who} → ${e.to}\n${res} · ${Math.round(e.durationMs)} ms`}</title>
      <rect className="hit" x={Math.min(x1, x2) - 12} y={y + 2} width={Math.max(span, 60) + 24}
        height={part === 'both' ? ROW_H - 4 : HALF_H - 4} rx={5} />
      {self ? <path className="req" d={`M${x1},${y + 18} h36 v20 h-36`} /> : (
        <>
          <line className="req" x1={x1} y1={y + 20} x2={x2 - 2 * dir} y2={y + 20} />
          <polygon className="req-head" points={head(x2, y + 20, dir)} />
        </>
      )}
      <text className="req-label" x={reqX} y={y + 14} textAnchor={anchor}>
        {shownLabel}{shownTimes && <tspan visibility="hidden">{shownTimes}</tspan>}
      </text>
    </g>
  );
  // Beside a button, the answer is marked "beside-selected", not "selected": one arrow is the selected one.
  const answerTone = drawReq ? tone.replace(' selected', selected ? ' beside-selected' : '') : tone;
  const answer = (drawRes || shownTimes) && (
    <g className={`arrow answer ${answerTone}`} aria-hidden="true" onClick={select}>
      {drawRes && !drawReq && <rect className="hit" x={Math.min(x1, x2) - 12} y={y + 26} width={Math.max(span, 60) + 24} height={HALF_H - 4} rx={5} />}
      {shownTimes && (
        <text className="req-label" x={reqX} y={y + 14} textAnchor={anchor}>
          <tspan visibility="hidden">{shownLabel}</tspan>{shownTimes}
        </text>
      )}
      {drawRes && !drawReq && self && <path className="req" d={`M${x1},${y + 18} h36 v20 h-36`} />}
      {drawRes && !self && <line className="res" x1={x2} y1={y + 41} x2={x1 + 2 * dir} y2={y + 41} />}
      {drawRes && !self && <polyline className="res-head" points={`${x1 + 8 * dir},${y + 36.5} ${x1},${y + 41} ${x1 + 8 * dir},${y + 45.5}`} />}
      {drawRes && (
        <text className="res-label" x={self ? x1 + 42 : resAt.x} y={y + 36} textAnchor={anchor}>
          {self ? fit(res, props.width - x1 - 42 - SIDE, props.labelPx) : resAt.text}
        </text>
      )}
    </g>
  );
  return <>{button}{answer}</>;
}
