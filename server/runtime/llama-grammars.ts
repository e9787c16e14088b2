/**
 * Grammars for structured output (`json_object`, `json_schema`), compiled once per schema and kept for the
 * next request with the same one (compiling a schema's grammar costs more than a short reply). The cache is
 * small and drops its oldest entry; a failed compile is not kept, so the next request reports it again.
 */
import type { Llama, LlamaGrammar } from 'node-llama-cpp';
import type { OutputFormat } from './inference-runtime.js';
import { toGrammarSchema } from './llama-json-schema.js';

const GRAMMAR_CACHE_SIZE = 32;

export class LlamaGrammars {
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  constructor(private readonly llama: Llama) {}

  /** The grammar for `format`, or undefined for plain text. */
  for(format: OutputFormat | undefined): Promise<LlamaGrammar | undefined> {
    if (!format || format.type === 'text') return Promise.resolve(undefined);
    const key = format.type === 'json_object' ? 'json' : JSON.stringify(format.schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      grammar = format.type === 'json_object'
        ? this.llama.getGrammarFor('json')
        : this.llama.createGrammarForJsonSchema(toGrammarSchema(format.schema) as never);
      if (this.grammars.size >= GRAMMAR_CACHE_SIZE) this.grammars.delete(this.grammars.keys().next().value!);
      this.grammars.set(key, grammar);
      grammar.catch(() => this.grammars.delete(key));
    }
    return grammar;
  }
}
