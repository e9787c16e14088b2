/**
 * Media: upload files through the resumable (tus) protocol with progress, extract their text (OCR for images
 * and scanned PDFs), read the result, download or delete.
 */
import { useRef, useState, type ChangeEvent, type DragEvent } from 'react';
import type { ExtractTextResult, MediaFile } from '../api/index.js';
import { Card } from '../components/Card.js';
import { EmptyState, ErrorNote, Progress, Unavailable } from '../components/Notes.js';
import { useApi, useCapabilities } from '../hooks/api-context.js';
import { useAsync } from '../hooks/use-async.js';
import { bytes, percent, when } from '../lib/format.js';

interface Uploading {
  name: string;
  sent: number;
  total: number;
}

function Uploader({ onUploaded }: { onUploaded(id: string): void }) {
  const api = useApi();
  const input = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState<Uploading>();
  const [error, setError] = useState<Error>();
  const [over, setOver] = useState(false);
  const upload = async (file: File) => {
    setError(undefined);
    setUploading({ name: file.name, sent: 0, total: file.size });
    try {
      const id = await api.media.upload(file, (sent, total) => setUploading({ name: file.name, sent, total })).done;
      onUploaded(id);
    } catch (err) {
      setError(err as Error);
    } finally {
      setUploading(undefined);
    }
  };
  const onPick = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) void upload(file);
    e.target.value = '';
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file) void upload(file);
  };
  return (
    <Card title="Upload" hint="resumable: an interrupted upload continues where it stopped">
      <div
        className="empty"
        style={{ border: `1px dashed ${over ? 'var(--accent)' : 'var(--border)'}`, borderRadius: 8, padding: 20 }}
        onDragOver={(e) => { e.preventDefault(); setOver(true); }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <strong>Drop a file here</strong>
        <p>Images (PNG, JPEG, WebP, …), PDFs and text files; text can be extracted from them.</p>
        <label className="button" style={{ flexDirection: 'row', color: 'var(--text)' }}>
          Choose a file…
          <input ref={input} type="file" className="sr-only" onChange={onPick} disabled={!!uploading} />
        </label>
      </div>
      {uploading && (
        <div>
          <Progress label={`Uploading ${uploading.name}`} value={uploading.total ? uploading.sent / uploading.total : 0} />
          <div className="stat-detail">{uploading.name}: {bytes(uploading.sent)} of {bytes(uploading.total)}</div>
        </div>
      )}
      <ErrorNote error={error} prefix="Upload failed" />
    </Card>
  );
}

function ExtractedText({ result }: { result: ExtractTextResult }) {
  return (
    <div className="card" style={{ background: 'var(--surface-2)' }} aria-label="Extracted text">
      <div className="stat-detail" data-testid="extract-summary">
        {result.pages.length} page{result.pages.length === 1 ? '' : 's'} · confidence {percent(result.confidence, 0)} · {result.language} ·{' '}
        {result.cached ? 'from cache' : `${result.duration_ms} ms`} · {result.pages.map((p) => p.source).filter((s, i, a) => a.indexOf(s) === i).join(', ')}
      </div>
      <pre data-testid="extracted-text" style={{ whiteSpace: 'pre-wrap', margin: 0, maxHeight: 320, overflow: 'auto', font: 'inherit' }}>{result.text || '(no text found)'}</pre>
    </div>
  );
}

function FileRow({ f, fresh, onChanged }: { f: MediaFile; fresh: boolean; onChanged(): void }) {
  const api = useApi();
  const [extracting, setExtracting] = useState(false);
  const [result, setResult] = useState<ExtractTextResult>();
  const [error, setError] = useState<Error>();
  const [confirming, setConfirming] = useState(false);
  const extract = async () => {
    setExtracting(true);
    setError(undefined);
    try {
      setResult(await api.media.extractText(f.id));
    } catch (err) {
      setError(err as Error);
    } finally {
      setExtracting(false);
    }
  };
  return (
    <>
      <tr style={fresh ? { background: 'var(--accent-soft)' } : undefined}>
        <td><div>{f.filename}</div><div className="stat-detail mono">{f.id}</div></td>
        <td>{f.mime_type}</td>
        <td className="num">{bytes(f.bytes)}</td>
        <td>{when(f.created_at)}</td>
        <td className="num">
          <span className="row" style={{ justifyContent: 'flex-end' }}>
            <button type="button" onClick={() => void extract()} disabled={extracting} aria-label={`Extract text from ${f.filename}`}>{extracting ? 'Extracting…' : 'Extract text'}</button>
            <a className="button" href={api.media.contentUrl(f.id)} download={f.filename}>Download</a>
            {confirming ? (
              <>
                <button type="button" className="danger" onClick={() => void api.media.remove(f.id).then(onChanged, setError)}>Delete</button>
                <button type="button" onClick={() => setConfirming(false)}>Keep</button>
              </>
            ) : (
              <button type="button" className="danger" onClick={() => setConfirming(true)} aria-label={`Delete ${f.filename}`}>Delete</button>
            )}
          </span>
        </td>
      </tr>
      {(result || error) && (
        <tr>
          <td colSpan={5} style={{ whiteSpace: 'normal' }}>
            <ErrorNote error={error} prefix="Extraction failed" />
            {result && <ExtractedText result={result} />}
          </td>
        </tr>
      )}
    </>
  );
}

export function Media() {
  const api = useApi();
  const has = useCapabilities().has;
  const files = useAsync(() => api.media.list(), [api]);
  const [fresh, setFresh] = useState<string>();
  if (!has('GET', '/v1/media/files')) {
    return (
      <div className="page">
        <div className="page-head"><h1>Media</h1></div>
        <Unavailable what="The media API" />
      </div>
    );
  }
  const list = files.data?.data ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Media</h1>
          <p>Files for your apps and chats, private to your account. Same content uploaded twice is stored once.</p>
        </div>
      </div>
      {has('POST', '/v1/media/uploads') ? <Uploader onUploaded={(id) => { setFresh(id); files.reload(); }} /> : <Unavailable what="Resumable uploads" />}
      <ErrorNote error={files.error} />
      <Card title="Files" hint={files.data ? `${list.length}${files.data.has_more ? '+' : ''} files` : undefined}>
        {files.data && list.length === 0 ? (
          <EmptyState title="No files yet">Upload an image or a PDF above, then extract its text.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table aria-label="Files">
              <thead><tr><th>File</th><th>Type</th><th className="num">Size</th><th>Uploaded</th><th className="num">Actions</th></tr></thead>
              <tbody>{list.map((f) => <FileRow key={f.id} f={f} fresh={f.id === fresh} onChanged={files.reload} />)}</tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
