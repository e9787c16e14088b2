/**
 * Response-time distribution over time: one column per snapshot, one row per latency bucket, each cell's
 * colour the bucket's count relative to the column's fullest bucket (square-root scale, so rare slow requests
 * stay visible). Painted on a canvas; the table of the latest column is there for screen readers.
 */
import { useEffect, useRef } from 'react';
import { cssVar, useThemeName } from '../hooks/use-theme.js';
import { ms } from '../lib/format.js';

export interface HeatColumn {
  at: number;
  counts: number[];
}

export interface HeatmapProps {
  /** Upper bounds of the buckets in ms, the last one `null` (+Inf). */
  leMs: (number | null)[];
  columns: HeatColumn[];
}

const LABEL_WIDTH = 58;
/** When the canvas is not laid out (yet): the height .heatmap has in styles.css. */
const FALLBACK_HEIGHT = 180;

export function bucketLabel(le: number | null, previous: number | null | undefined): string {
  if (le === null) return `> ${ms(previous ?? 0)}`;
  return `≤ ${ms(le)}`;
}

function paint(canvas: HTMLCanvasElement, props: HeatmapProps): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight || FALLBACK_HEIGHT;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  if (!g) return;
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);
  const rows = props.leMs.length;
  if (rows === 0) return;
  const cols = Math.max(props.columns.length, 1);
  const cellW = (width - LABEL_WIDTH) / cols;
  const cellH = height / rows;
  const [r0, g0, b0] = cssVar('--heat-0').split(',').map(Number) as [number, number, number];
  const [r1, g1, b1] = cssVar('--heat-1').split(',').map(Number) as [number, number, number];
  props.columns.forEach((column, c) => {
    // Scaled by the column's fullest bucket, so each moment's shape shows at full contrast.
    const total = Math.max(0, ...column.counts);
    for (let r = 0; r < rows; r++) {
      const share = total > 0 ? Math.sqrt((column.counts[r] ?? 0) / total) : 0;
      const mix = (a: number, b: number) => Math.round(a + (b - a) * share);
      g.fillStyle = total > 0 ? `rgb(${mix(r0, r1)}, ${mix(g0, g1)}, ${mix(b0, b1)})` : `rgb(${r0}, ${g0}, ${b0})`;
      // Row 0 (fastest bucket) at the bottom, like a latency axis.
      g.fillRect(LABEL_WIDTH + c * cellW, height - (r + 1) * cellH, Math.ceil(cellW), Math.ceil(cellH));
    }
  });
  g.fillStyle = cssVar('--muted');
  g.font = '10.5px system-ui, sans-serif';
  g.textBaseline = 'middle';
  const step = Math.ceil(14 / cellH);
  for (let r = 0; r < rows; r += step) {
    g.fillText(bucketLabel(props.leMs[r] ?? null, props.leMs[r - 1]), 2, height - (r + 0.5) * cellH);
  }
}

export function Heatmap(props: HeatmapProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const theme = useThemeName();
  const latest = props.columns[props.columns.length - 1];

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    paint(el, props);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => paint(el, props));
    observer.observe(el);
    return () => observer.disconnect();
  }, [props, theme]);

  return (
    <div>
      <canvas ref={canvas} className="heatmap" aria-hidden="true" />
      <table className="sr-only">
        <caption>Requests per latency bucket in the latest window</caption>
        <tbody>
          {props.leMs.map((le, i) => (
            <tr key={i}>
              <th scope="row">{bucketLabel(le, props.leMs[i - 1])}</th>
              <td>{latest?.counts[i] ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
