/**
 * Where the pane keeps its pairing: the companion's address and token, in this origin's
 * localStorage, so that pairing is done once per machine and browser profile (Excel's webview
 * keeps it between sessions). The token grants only what the companion does on loopback.
 */
import { DEFAULT_COMPANION_URL } from './companionApi';

export interface CompanionSettings {
  url: string;
  token?: string;
}

/** A key-value store: localStorage in the pane, a Map in tests. */
export interface SettingsStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const SETTINGS_KEY = 'partage.companion';

/** localStorage when the page may use it (it throws in some sandboxed frames), else memory. */
export function browserStorage(): SettingsStorage {
  try {
    if (typeof localStorage !== 'undefined') {
      const probe = '__partage_probe__';
      localStorage.setItem(probe, '1');
      localStorage.removeItem(probe);
      return localStorage;
    }
  } catch {
    // fall through
  }
  return memoryStorage();
}

export function memoryStorage(): SettingsStorage {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

export function loadCompanionSettings(storage: SettingsStorage): CompanionSettings {
  try {
    const parsed = JSON.parse(storage.getItem(SETTINGS_KEY) ?? 'null') as Partial<CompanionSettings> | null;
    if (parsed && typeof parsed.url === 'string') {
      return { url: parsed.url, ...(typeof parsed.token === 'string' && parsed.token ? { token: parsed.token } : {}) };
    }
  } catch {
    // a damaged entry is as good as none
  }
  return { url: DEFAULT_COMPANION_URL };
}

export function saveCompanionSettings(storage: SettingsStorage, settings: CompanionSettings): void {
  storage.setItem(SETTINGS_KEY, JSON.stringify(settings));
}
