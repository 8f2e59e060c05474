/**
 * The companion's defaults, apart from the service itself so that the CLI can show them in its
 * help without loading the server, the database and the job types.
 */
import os from 'node:os';
import path from 'node:path';

export const DEFAULT_PORT = 3917;

/** The add-in's development origin (npm start). */
export const DEFAULT_ORIGINS: readonly string[] = ['https://localhost:3000'];

/** The per-user application-data folder of each system. */
export function defaultDataDir(): string {
  if (process.platform === 'win32') return path.join(process.env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local'), 'partage', 'companion');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'partage', 'companion');
  return path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'partage', 'companion');
}
