/**
 * The first-run card, shown on the Overview and in the Chat while the server lists no model: what this is,
 * the API URL, an API key made on the spot (shown once), and where a model comes from. It goes away by itself
 * once `/v1/models` lists one, whether imported here or dropped into the models folder (the list is read
 * again every few seconds while it is empty).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ModelList } from '../api/index.js';
import { queryKeys } from '../api/query-keys.js';
import { useApi, useCapabilities } from '../hooks/api-context.js';
import { href } from '../lib/hash-route.js';
import { CopyButton } from './CopyButton.js';
import { ErrorNote } from './Notes.js';

/** How often an empty model list is read again, so a model dropped into the folder shows up. */
const EMPTY_POLL_MS = 5_000;

/** The name of the key the card creates (renamed or revoked in Settings like any other). */
export const FIRST_KEY_NAME = 'first app';

const isEmpty = (list: ModelList | undefined) => list !== undefined && list.data.length === 0;

/** True once `/v1/models` has answered with no model (not while loading, not on an error). */
export function useFirstRun(): boolean {
  const api = useApi();
  const models = useQuery({
    queryKey: queryKeys.models,
    queryFn: () => api.models.list(),
    refetchInterval: (query) => (isEmpty(query.state.data) ? EMPTY_POLL_MS : false),
  });
  return isEmpty(models.data);
}

function ApiKeyStep() {
  const api = useApi();
  const queryClient = useQueryClient();
  const create = useMutation({
    // The secret is not kept in the mutation cache once this card is gone.
    gcTime: 0,
    mutationFn: () => api.keys.create(FIRST_KEY_NAME),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys }),
  });
  const key = create.data;
  return (
    <li className="first-run-step">
      <h3>An API key</h3>
      {key ? (
        <>
          <p>Copy it now: it is not shown again. It is listed in <a href={href('settings')}>Settings</a> as “{key.name}”.</p>
          <div className="secret">
            <code data-testid="first-run-key">{key.key}</code>
            <CopyButton text={key.key} label="Copy the API key" />
          </div>
        </>
      ) : (
        <>
          <p>Apps send it in the header <code>Authorization: Bearer sk_…</code></p>
          <div>
            <button type="button" className="primary" disabled={create.isPending} onClick={() => create.mutate()}>Create an API key</button>
          </div>
        </>
      )}
      <ErrorNote error={create.error} prefix="No key was created" />
    </li>
  );
}

function ModelStep() {
  const canImport = useCapabilities().has('POST', '/v1/models/import');
  const hasHub = useCapabilities().has('GET', '/v1/hub/models');
  return (
    <li className="first-run-step first-run-model">
      <h3>A model</h3>
      {hasHub && (
        <>
          <p>
            The Hub lists the GGUF models of Hugging Face with what each needs on this machine, and downloads the one you pick. To
            start, take a recommended instruct model on its first screen, in the quantization marked as fitting.
          </p>
          <div><a className="button primary" href={href('hub')}>Get a model from the Hub…</a></div>
          <p>
            Or bring a <code>.gguf</code> file: drop it into the server's models folder (<code>./models</code> where it was started,{' '}
            <code>models/</code> in the desktop app's data folder, or <code>JAN_MODELS_DIR</code>){canImport ? ', or import it by its path or URL' : ''}.
          </p>
        </>
      )}
      {!hasHub && (
        <>
          <p>
            Models are single <code>.gguf</code> files. <a href="https://huggingface.co/models?library=gguf" target="_blank" rel="noreferrer">Hugging Face</a> has
            repositories of GGUF files for most open models. To start, take a small instruct model (one to four billion parameters)
            in its <code>Q4_K_M</code> quantization, a good balance of size and quality: a file of 1 to 3&nbsp;GB.
          </p>
          <p>
            Drop the file into the server's models folder (<code>./models</code> where it was started, <code>models/</code> in the desktop app's
            data folder, or <code>JAN_MODELS_DIR</code>){canImport ? ', or import it by its path or URL' : ''}. It shows up here without a restart.
          </p>
        </>
      )}
      {canImport && <div><a className={`button${hasHub ? '' : ' primary'}`} href={href('models')}>Import a model…</a></div>}
    </li>
  );
}

/** `flat` drops the card's frame, for a place that is already inside one (the chat). */
export function FirstRunCard({ flat = false }: { flat?: boolean }) {
  const canCreateKey = useCapabilities().has('POST', '/auth/api-keys');
  const url = `${window.location.origin}/v1`;
  return (
    <section className={`card first-run${flat ? ' flat' : ''}`} aria-labelledby="first-run-title">
      <div>
        <h2 id="first-run-title">Welcome to Jan Server</h2>
        <p className="first-run-lead">
          It serves an OpenAI-compatible API on this machine, with local models run by llama.cpp: point any OpenAI client at it, or chat
          here.
        </p>
      </div>
      <ol className="first-run-steps">
        <li className="first-run-step">
          <h3>The API URL</h3>
          <p>The base URL for OpenAI clients and SDKs.</p>
          <div className="secret">
            <code data-testid="first-run-url">{url}</code>
            <CopyButton text={url} label="Copy the API URL" />
          </div>
        </li>
        {canCreateKey && <ApiKeyStep />}
        <ModelStep />
      </ol>
    </section>
  );
}
