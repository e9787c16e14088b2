/**
 * This server's name among the replicas that share one database: `host:port`. It stays the same across
 * restarts of one server (a desktop that restarts within the hour merges its own rollup row as before, and its
 * earlier runs read as its own), and differs between replicas (pods have their own hostnames; replicas on one
 * machine their own ports). With port 0 the port is new on every start, so the id is a random one instead.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export function instanceId(port: number, host: string = hostname()): string {
  return port === 0 ? `${host}:0-${randomBytes(6).toString('hex')}` : `${host}:${port}`;
}
