/** What a repository's row says besides its figures: gated (needs a token), recommended, license. */
import type { HubRepo } from '../../api/hub.js';

export function RepoBadges({ repo }: { repo: Pick<HubRepo, 'gated' | 'license'> & { recommended?: boolean } }) {
  return (
    <span className="row hub-badges">
      {repo.recommended && <span className="badge" data-state="ok">Recommended</span>}
      {repo.gated && (
        <span className="badge" data-state="warn" title="The author asks you to accept their terms on Hugging Face; the server needs JAN_HF_TOKEN to download it">
          Gated
        </span>
      )}
      <span className="badge hub-license" title="License">{repo.license ?? 'no license given'}</span>
    </span>
  );
}
