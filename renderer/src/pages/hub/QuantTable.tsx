/**
 * A repository's quantizations with their fit on this machine: file size, RAM needed against RAM free, the
 * verdict, GPU layers, and a Download button that says why it is disabled (won't fit, no disk, already pulling).
 */
import { FINISHED_PULL, type HubQuantization, type Pull } from '../../api/hub.js';
import { bytes } from '../../lib/format.js';
import { FitBadge } from './FitBadge.js';

/** A figure that does not break across lines ("395 MB", not "395 / MB"). */
const size = (n: number) => bytes(n).replace(' ', '\u00a0');

/** Why this quantization cannot be downloaded now, or null when it can. */
export function blockedReason(q: HubQuantization, pull: Pull | undefined, freeDisk: number, notAllowed?: string): string | null {
  if (notAllowed) return notAllowed;
  if (pull) return pull.status === 'paused' ? 'Paused: resume it under Downloads' : 'Downloading now: see Downloads';
  // The disk first: a quantization larger than the free disk is also `wont_fit`, and memory is not why.
  if (q.size_bytes > freeDisk) return `Needs ${size(q.size_bytes)} of disk, ${size(freeDisk)} free`;
  if (q.fit.verdict === 'wont_fit') return `Needs ${size(q.fit.ram_needed_bytes)} of memory, ${size(q.fit.free_ram_bytes)} free`;
  return null;
}

/** The pull of this quantization that is still going (queued, downloading, paused or verifying), if any. */
export const runningPull = (pulls: Pull[], repo: string, quantization: string) =>
  pulls.find((p) => p.repo === repo && p.quantization === quantization && !FINISHED_PULL.includes(p.status));

interface Props {
  repo: string;
  quantizations: HubQuantization[];
  pulls: Pull[];
  freeDisk: number;
  /** The quantization being sent to the server right now. */
  starting: string | undefined;
  /** Why this user cannot download at all (pulls are for admins), if so. */
  notAllowed?: string;
  onDownload(quantization: string): void;
}

export function QuantTable({ repo, quantizations, pulls, freeDisk, starting, notAllowed, onDownload }: Props) {
  // Without a GPU every row would say so: the column is left out instead, leaving room for the reasons.
  const gpu = quantizations.some((q) => q.fit.gpu_layers !== null);
  return (
    <div className="table-wrap">
      <table aria-label="Quantizations" className="quant-table">
        <thead>
          <tr>
            <th>Quantization</th><th className="num">Size</th><th className="num">Memory needed</th><th>Fit on this machine</th>
            {gpu && <th className="num">GPU layers</th>}<th className="num">Download</th>
          </tr>
        </thead>
        <tbody>
          {quantizations.map((q) => {
            const reason = blockedReason(q, runningPull(pulls, repo, q.quantization), freeDisk, notAllowed);
            const reasonId = `quant-reason-${q.quantization}`;
            return (
              <tr key={q.quantization} data-recommended={q.recommended || undefined}>
                <td>
                  <span className="row">
                    <code className="quant-name">{q.quantization}</code>
                    {q.recommended && <span className="badge" data-state="ok" title="The largest quantization that fits comfortably">★ Recommended</span>}
                    {q.files.length > 1 && <span className="stat-detail">{q.files.length} files</span>}
                  </span>
                </td>
                <td className="num">{bytes(q.size_bytes)}</td>
                <td className="num">{bytes(q.fit.ram_needed_bytes)} <span className="quant-free">of {bytes(q.fit.free_ram_bytes)} free</span></td>
                <td><FitBadge verdict={q.fit.verdict} /></td>
                {gpu && <td className="num">{q.fit.gpu_layers ?? 'none'}</td>}
                <td className="num">
                  <span className="quant-action">
                    {reason && <span id={reasonId} className="quant-reason">{reason}</span>}
                    <button type="button" className={q.recommended && !reason ? 'primary' : undefined} disabled={!!reason || starting !== undefined}
                      onClick={() => onDownload(q.quantization)} aria-label={`Download ${q.quantization}`} aria-describedby={reason ? reasonId : undefined}>
                      {starting === q.quantization ? 'Starting…' : 'Download'}
                    </button>
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
