/** Whether npm started this process (`npx`, `npm start`, `npm exec`): npm sets `npm_command` for what it runs. */
export function launchedByNpm(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return env.npm_command !== undefined;
}
