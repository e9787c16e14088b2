/** Parses a server-sent event stream body into its events (for assertions on exact framing). */
export interface SseEvent {
  event: string | undefined;
  /** The raw `data:` text. */
  data: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on arbitrary shapes
  json: any;
}

export function parseSse(text: string): SseEvent[] {
  if (!text.endsWith('\n\n')) throw new Error(`stream does not end with a blank line: ${JSON.stringify(text.slice(-40))}`);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((block) => {
      let event: string | undefined;
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data = line.slice(6);
        else throw new Error(`unexpected line in event stream: ${JSON.stringify(line)}`);
      }
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        json = undefined;
      }
      return { event, data, json };
    });
}
