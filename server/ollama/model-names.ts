/**
 * Model names as Ollama writes them (`name:tag`) and this server's model ids (a GGUF file's name). Every model
 * here is listed as `<id>:latest`; a request may name it `<id>` or `<id>:latest`. Unknown models are Ollama's 404.
 */
import { AppError } from '../errors/app-error.js';

const LATEST = ':latest';

export const ollamaName = (id: string) => (id.includes(':') ? id : `${id}${LATEST}`);

export const modelIdOf = (name: string) => (name.endsWith(LATEST) ? name.slice(0, -LATEST.length) : name);

export function ollamaModelNotFound(name: string): AppError {
  return new AppError(404, 'not_found_error', `model '${name}' not found`, { param: 'model', code: 'model_not_found' });
}

/** Runs `work`, answering the services' "no such model" (404 `model_not_found`) in Ollama's words. */
export async function orModelNotFound<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError && error.status === 404 && error.code === 'model_not_found') throw ollamaModelNotFound(name);
    throw error;
  }
}
