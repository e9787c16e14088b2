/**
 * The models domain: the GGUF files in the models folder, loading and unloading them in the runtime, and
 * importing new ones.
 * Other folders import this domain only through this file.
 */
export { ModelsService } from './models-service.js';
export { modelNotFound, toInferenceError } from './model-errors.js';
