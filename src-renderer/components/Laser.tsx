/**
 * Presenter mode's laser pointer (issue 16): a glowing dot on the head of the newest exchange's
 * arrow, and a glow along it. It glides to each new arrow as it arrives (presenter.css; no motion
 * under prefers-reduced-motion). Decoration only: the arrow itself carries the name.
 */
export interface LaserSpot {
  /** The arrow's tail and head, and the height of its line. */
  from: number;
  to: number;
  y: number;
  /** The exchange it points at (for tests and tools; never announced). */
  exchangeId: string;
}

export function Laser({ spot }: { spot: LaserSpot }) {
  const { from, to, y } = spot;
  return (
    <g className="laser" aria-hidden="true" data-exchange={spot.exchangeId} style={{ transform: `translate(${to}px, ${y}px)` }}>
      <line className="laser-beam" x1={from - to} y1={0} x2={0} y2={0} />
      <circle className="laser-halo" r={13} />
      <circle className="laser-dot" r={6} />
    </g>
  );
}
