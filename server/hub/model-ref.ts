/**
 * What a pull asks for: Ollama's reference form `hf.co/{owner}/{repo}:{quantization}` (also
 * `huggingface.co/…`; no tag means `Q4_K_M`, else the smallest), or a repository and one of its files.
 */
import { badRequest } from '../errors/app-error.js';
import type { QuantizationGroup } from './quantizations.js';

export const REPO_ID = /^[A-Za-z0-9][\w.-]{0,95}\/(?!\.\.?$)[\w.-]{1,96}$/;

export interface ModelRef {
  repo: string;
  /** The quantization tag asked for (any case); undefined: the default. */
  tag?: string | undefined;
  /** A file of the repository asked for by name. */
  file?: string | undefined;
}

export interface PullRequestInput {
  model?: string | undefined;
  repo?: string | undefined;
  file?: string | undefined;
}

const DEFAULT_TAG = 'Q4_K_M';

export function parseModelRef(input: PullRequestInput): ModelRef {
  if (input.model !== undefined) {
    if (input.repo !== undefined || input.file !== undefined) throw badRequest('Give either `model` or `repo` with `file`, not both.', 'model');
    const match = /^(?:https?:\/\/)?(?:hf\.co|huggingface\.co)\/([^:\s]+?)(?::([\w.-]{1,64}))?$/i.exec(input.model.trim());
    if (!match || !REPO_ID.test(match[1]!)) {
      throw badRequest(`'${input.model.slice(0, 200)}' is not a hub model reference; use hf.co/{owner}/{repo}:{quantization}, e.g. hf.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M.`, 'model', 'invalid_model_ref');
    }
    return { repo: match[1]!, tag: match[2] };
  }
  if (input.repo === undefined || input.file === undefined) throw badRequest('Give `model` (hf.co/{owner}/{repo}:{quantization}) or `repo` and `file`.', 'model');
  if (!REPO_ID.test(input.repo)) throw badRequest(`'${input.repo.slice(0, 200)}' is not a repository id ({owner}/{repo}).`, 'repo', 'invalid_model_ref');
  if (!/\.gguf$/i.test(input.file) || input.file.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw badRequest('`file` must be the path of a .gguf file in the repository.', 'file', 'invalid_model_ref');
  }
  return { repo: input.repo, file: input.file };
}

/** The quantization a reference picks among a repository's, or undefined when it has none such. */
export function pickQuantization(ref: ModelRef, groups: readonly QuantizationGroup[]): QuantizationGroup | undefined {
  if (ref.file !== undefined) return groups.find((g) => g.files.some((f) => f.name === ref.file));
  const tag = (ref.tag ?? DEFAULT_TAG).toUpperCase();
  const exact = groups.find((g) => g.quantization.toUpperCase() === tag);
  if (exact || ref.tag !== undefined) return exact;
  return groups[0];
}
