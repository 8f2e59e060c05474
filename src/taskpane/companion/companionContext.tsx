/**
 * The pane's connection to the companion, shared by every tab: the saved pairing, a status kept
 * fresh by polling /v1/health (and the token, when paired), and the diagnosis when it fails.
 * Polling is quicker while the companion is away (so the pane notices when it is started) and
 * pauses while the pane is hidden.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { CompanionClient, CompanionHttpError, CompanionUnreachableError, NotACompanionError, normaliseCompanionUrl, type CompanionHealth } from './companionApi';
import { browserStorage, loadCompanionSettings, saveCompanionSettings, type CompanionSettings, type SettingsStorage } from './companionSettings';
import { diagnose, pageLocation, probeCompanion, type Diagnosis, type PageLocation } from './diagnosis';
import { classifyPairingInput } from './pairingInput';

export type ConnectionStatus = 'checking' | 'unpaired' | 'connected' | 'unreachable';

export interface CompanionConnection {
  url: string;
  paired: boolean;
  status: ConnectionStatus;
  /** What /v1/health said last (also when unpaired: whether a companion is there to pair with). */
  health?: CompanionHealth;
  diagnosis?: Diagnosis;
  checkedAt?: Date;
  /** A client with the token; undefined until paired. */
  client?: CompanionClient;
  /** The user chose to work without the companion (jobs run in the pane). */
  offline: boolean;
  /** Pairs with a code or a token; rejects with a PairingError naming the form field to blame. */
  pair(url: string, input: string): Promise<void>;
  /** Looks for a companion at another address (before pairing). */
  setUrl(url: string): void;
  forget(): void;
  recheck(): Promise<void>;
  setOffline(offline: boolean): void;
}

export interface CompanionProviderProps {
  children: ReactNode;
  storage?: SettingsStorage;
  fetch?: typeof fetch;
  page?: PageLocation;
  /** Poll intervals: while connected, and while unpaired or unreachable. */
  pollMs?: { connected: number; away: number };
}

const CompanionContext = createContext<CompanionConnection | undefined>(undefined);

export function useCompanion(): CompanionConnection {
  const connection = useContext(CompanionContext);
  if (!connection) throw new Error('useCompanion must be used inside <CompanionProvider>');
  return connection;
}

/** Why pairing failed, and which field of the form holds the problem. */
export class PairingError extends Error {
  constructor(
    message: string,
    readonly field: 'url' | 'code',
  ) {
    super(message);
    this.name = 'PairingError';
  }
}

/** The message a pairing failure shows: the companion's own (naming its field) or the diagnosis. */
export function pairingFailureMessage(error: unknown, url: string, page: PageLocation): string {
  if (error instanceof CompanionHttpError) return error.withField;
  if (error instanceof CompanionUnreachableError || error instanceof NotACompanionError) {
    const cause = diagnose(url, error, page).causes[0];
    return `${cause.title}. ${cause.detail}${cause.command ? ` Type: ${cause.command}` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function CompanionProvider({ children, storage: givenStorage, fetch: fetchImpl, page: givenPage, pollMs = { connected: 15_000, away: 5_000 } }: CompanionProviderProps): JSX.Element {
  const storage = useMemo(() => givenStorage ?? browserStorage(), [givenStorage]);
  const page = useMemo(() => givenPage ?? pageLocation(), [givenPage]);
  const [settings, setSettings] = useState<CompanionSettings>(() => loadCompanionSettings(storage));
  const [status, setStatus] = useState<ConnectionStatus>('checking');
  const [health, setHealth] = useState<CompanionHealth | undefined>(undefined);
  const [diagnosis, setDiagnosis] = useState<Diagnosis | undefined>(undefined);
  const [checkedAt, setCheckedAt] = useState<Date | undefined>(undefined);
  const [offline, setOffline] = useState(false);
  // Answers to an older check (a slow one, or one for the previous address) are ignored.
  const generation = useRef(0);

  const client = useMemo(() => {
    try {
      return new CompanionClient({ url: settings.url, token: settings.token, fetch: fetchImpl });
    } catch {
      return undefined;
    }
  }, [settings.url, settings.token, fetchImpl]);
  const paired = settings.token !== undefined;

  const recheck = useCallback(async () => {
    const mine = ++generation.current;
    if (!client) {
      // A saved address that is not one (edited by hand): nothing to check until the user pairs.
      setStatus('unpaired');
      return;
    }
    const probe = await probeCompanion(client);
    if (mine !== generation.current) return;
    setCheckedAt(new Date());
    setHealth(probe.health);
    if (probe.ok) {
      setDiagnosis(undefined);
      setStatus(client.token ? 'connected' : 'unpaired');
      if (client.token) setOffline(false);
    } else {
      setDiagnosis(diagnose(client.url, probe.error, page));
      setStatus(client.token ? 'unreachable' : 'unpaired');
    }
  }, [client, page]);

  useEffect(() => {
    void recheck();
  }, [recheck]);

  useEffect(() => {
    const every = status === 'connected' ? pollMs.connected : pollMs.away;
    const timer = setInterval(() => {
      if (typeof document !== 'undefined' && document.hidden) return;
      void recheck();
    }, every);
    return () => clearInterval(timer);
  }, [status, recheck, pollMs.connected, pollMs.away]);

  const pair = useCallback(
    async (urlText: string, input: string) => {
      let url: string;
      try {
        url = normaliseCompanionUrl(urlText);
      } catch (error) {
        throw new PairingError((error as Error).message, 'url');
      }
      const what = classifyPairingInput(input);
      if (what.kind === 'invalid') throw new PairingError(what.message, 'code');
      const anonymous = new CompanionClient({ url, fetch: fetchImpl });
      let token: string;
      try {
        if (what.kind === 'code') {
          token = await anonymous.pair(what.code);
        } else {
          token = what.token;
          await anonymous.withToken(token).checkToken();
        }
      } catch (error) {
        if (error instanceof CompanionHttpError && error.status === 401 && what.kind === 'token') {
          throw new PairingError('The companion refused this token: copy it again from the token file named in the companion’s window, or use the pairing code.', 'code');
        }
        const field = error instanceof CompanionHttpError && error.field === 'code' ? 'code' : 'url';
        throw new PairingError(pairingFailureMessage(error, url, page), field);
      }
      const next = { url, token };
      saveCompanionSettings(storage, next);
      generation.current++;
      setStatus('checking');
      setSettings(next);
    },
    [fetchImpl, page, storage],
  );

  const setUrl = useCallback(
    (urlText: string) => {
      let url: string;
      try {
        url = normaliseCompanionUrl(urlText);
      } catch {
        return; // the form says what is wrong with it when Pair is pressed
      }
      if (settings.token !== undefined || url === settings.url) return;
      saveCompanionSettings(storage, { url });
      generation.current++;
      setStatus('checking');
      setSettings({ url });
    },
    [settings.token, settings.url, storage],
  );

  const forget = useCallback(() => {
    const next = { url: settings.url };
    saveCompanionSettings(storage, next);
    generation.current++;
    setStatus('checking');
    setSettings(next);
  }, [settings.url, storage]);

  const value = useMemo<CompanionConnection>(
    () => ({
      url: client?.url ?? settings.url,
      paired,
      status,
      health,
      diagnosis,
      checkedAt,
      client: paired ? client : undefined,
      offline,
      pair,
      setUrl,
      forget,
      recheck,
      setOffline,
    }),
    [client, settings.url, paired, status, health, diagnosis, checkedAt, offline, pair, setUrl, forget, recheck],
  );
  return <CompanionContext.Provider value={value}>{children}</CompanionContext.Provider>;
}
