/**
 * Media: upload files through the resumable (tus) protocol with progress, extract their text (OCR for images
 * and scanned PDFs), read the result, download or delete.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ChangeEvent, type DragEvent } from 'react';
import type { ExtractTextResult, MediaFile } from '../api/index.js';
import { queryKeys } from '../api/query-keys.js';
import { Card } from '../components/Card.js';
import { EmptyState, ErrorNote, Progress, Unavailable } from '../components/Notes.js';
import { useApi, useCapabilities } from '../hooks/api-context.js';
import { bytes, percent, when } from '../lib/format.js';

interface Uploading {
  name: string;
  sent: number;
  total: number;
}

/** The media list is read again after an upload or a deletion. */
function useFilesChanged() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: queryKeys.mediaFiles });
}

function Uploader({ onUploaded }: { onUploaded(id: string): void }) {
  const api = useApi();
  const [uploading, setUploading] = useState<Uploading>();
  const [over, setOver] = useState(false);
  const changed = useFilesChanged();
  const uploadFile = useMutation({
    mutationFn: (file: File) => api.media.upload(file, (sent, total) => setUploading({ name: file.name, sent, total })).done,
    onMutate: (file) => setUploading({ name: file.name, sent: 0, total: file.size }),
    onSuccess: (id) => {
      onUploaded(id);
      return changed();
    },
    onSettled: () => setUploading(undefined),
  });
  const upload = (file: File) => uploadFile.mutate(file);
  const onPick = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) upload(file);
    e.target.value = '';
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file) upload(file);
  };
  return (
    <Card title="Upload" hint="resumable: an interrupted upload continues where it stopped">
      <div
        className="empty drop-zone"
        data-over={over}
        onDragOver={(e) => { e.preventDefault(); setOver(true); }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <strong>Drop a file here</strong>
        <p>Images (PNG, JPEG, WebP, …), PDFs and text files; text can be extracted from them.</p>
        <label className="button">
          Choose a file…
          <input type="file" className="sr-only" onChange={onPick} disabled={!!uploading} />
        </label>
      </div>
      {uploading && (
        <div>
          <Progress label={`Uploading ${uploading.name}`} value={uploading.total ? uploading.sent / uploading.total : 0} />
          <div className="stat-detail">{uploading.name}: {bytes(uploading.sent)} of {bytes(uploading.total)}</div>
        </div>
      )}
      <ErrorNote error={uploadFile.error} prefix="Upload failed" />
    </Card>
  );
}

function ExtractedText({ result }: { result: ExtractTextResult }) {
  return (
    <div className="card extracted" aria-label="Extracted text">
      <div className="stat-detail" data-testid="extract-summary">
        {result.pages.length} page{result.pages.length === 1 ? '' : 's'} · confidence {percent(result.confidence, 0)} · {result.language} ·{' '}
        {result.cached ? 'from cache' : `${result.duration_ms} ms`} · {result.pages.map((p) => p.source).filter((s, i, a) => a.indexOf(s) === i).join(', ')}
      </div>
      <pre data-testid="extracted-text">{result.text || '(no text found)'}</pre>
    </div>
  );
}

function FileRow({ f, fresh }: { f: MediaFile; fresh: boolean }) {
  const api = useApi();
  const [confirming, setConfirming] = useState(false);
  const changed = useFilesChanged();
  // A POST, but it changes nothing the dashboard lists: its answer is this row's to show.
  const extract = useMutation({ mutationFn: () => api.media.extractText(f.id) });
  const remove = useMutation({ mutationFn: () => api.media.remove(f.id), onSuccess: changed });
  const result = extract.data;
  const error = extract.error ?? remove.error;
  return (
    <>
      <tr className={fresh ? 'fresh' : undefined}>
        <td><div>{f.filename}</div><div className="stat-detail mono">{f.id}</div></td>
        <td>{f.mime_type}</td>
        <td className="num">{bytes(f.bytes)}</td>
        <td>{when(f.created_at)}</td>
        <td className="num">
          <span className="row row-end">
            <button type="button" onClick={() => extract.mutate()} disabled={extract.isPending} aria-label={`Extract text from ${f.filename}`}>{extract.isPending ? 'Extracting…' : 'Extract text'}</button>
            <a className="button" href={api.media.contentUrl(f.id)} download={f.filename}>Download</a>
            {confirming ? (
              <>
                <button type="button" className="danger" onClick={() => remove.mutate()}>Delete</button>
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
          <td colSpan={5} className="wrap">
            <ErrorNote error={extract.error} prefix="Extraction failed" />
            <ErrorNote error={remove.error} prefix="Could not delete" />
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
  const canList = has('GET', '/v1/media/files');
  const files = useQuery({ queryKey: queryKeys.mediaFiles, queryFn: () => api.media.list(), enabled: canList });
  const [fresh, setFresh] = useState<string>();
  if (!canList) {
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
      {has('POST', '/v1/media/uploads') ? <Uploader onUploaded={setFresh} /> : <Unavailable what="Resumable uploads" />}
      <ErrorNote error={files.error} />
      <Card title="Files" hint={files.data ? `${list.length}${files.data.has_more ? '+' : ''} files` : undefined}>
        {files.data && list.length === 0 ? (
          <EmptyState title="No files yet">Upload an image or a PDF above, then extract its text.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table aria-label="Files">
              <thead><tr><th>File</th><th>Type</th><th className="num">Size</th><th>Uploaded</th><th className="num">Actions</th></tr></thead>
              <tbody>{list.map((f) => <FileRow key={f.id} f={f} fresh={f.id === fresh} />)}</tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
