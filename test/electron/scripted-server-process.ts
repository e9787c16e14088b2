/**
 * A server process for the supervisor's tests: it records what the supervisor sends and which signals it
 * kills with, and says what a real server would say over its channel (ready, refusals), then exits or crashes
 * when the test decides.
 */
import { PassThrough } from 'node:stream';
import type { ServerProcess, ServerProcessExit } from '../../electron/server-process.js';
import type { ServerErrorKind, ToChild } from '../../server/parent-channel.js';

export class ScriptedProcess implements ServerProcess {
  private static nextPid = 1000;
  readonly pid = ScriptedProcess.nextPid++;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly sent: ToChild[] = [];
  readonly kills: string[] = [];
  private readonly messageListeners: Array<(raw: unknown) => void> = [];
  private readonly exitListeners: Array<(exit: ServerProcessExit) => void> = [];
  constructor(readonly env: Record<string, string>) {}
  send(message: ToChild) {
    this.sent.push(message);
  }
  onMessage(listener: (raw: unknown) => void) {
    this.messageListeners.push(listener);
  }
  onExit(listener: (exit: ServerProcessExit) => void) {
    this.exitListeners.push(listener);
  }
  kill(signal: 'SIGTERM' | 'SIGKILL') {
    this.kills.push(signal);
  }
  /** What the server says over its channel. */
  say(message: unknown) {
    for (const listener of this.messageListeners) listener(message);
  }
  ready(port = Number(this.env.JAN_PORT) || 4242) {
    this.say({ type: 'ready', url: `http://127.0.0.1:${port}`, port, dashboardUrl: `http://127.0.0.1:${port}/?token=t${this.pid}` });
  }
  refuse(kind: ServerErrorKind, message = `refused: ${kind}`) {
    this.say({ type: 'error', kind, message });
    this.exit(kind === 'config' ? 2 : 1);
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null) {
    for (const listener of this.exitListeners) listener({ code, signal });
  }
  crash() {
    this.exit(null, 'SIGSEGV');
  }
}
