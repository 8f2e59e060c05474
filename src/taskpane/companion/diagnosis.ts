/**
 * Why the pane cannot use the companion, and what the user should do, from what a probe saw.
 *
 * A browser does not say why a fetch failed: "connection refused" and "certificate not trusted"
 * are the same TypeError. So the probe gathers what can be known (did /v1/health answer, as
 * what, was the token accepted) and the diagnosis orders the possible causes by likelihood: when
 * the pane itself came from https://localhost (the development server, which serves the same
 * Office development certificate as the companion) and loaded, that certificate is trusted, so a
 * silent failure is almost surely a companion that is not running.
 */
import { CompanionHttpError, CompanionUnreachableError, NotACompanionError, type CompanionClient, type CompanionHealth } from './companionApi';

/** The commands the pane tells the user to type; `npx` works from the add-in's own folder. */
export const START_COMMAND = 'npx partage companion';
export const START_COMMAND_INSTALLED = 'partage companion';
export const PAIR_COMMAND = 'npx partage companion --pair';

export type Problem = 'not-started' | 'certificate' | 'timeout' | 'wrong-port' | 'origin-refused' | 'host-refused' | 'token-refused';

export interface Cause {
  problem: Problem;
  title: string;
  detail: string;
  /** A command to type in a terminal, shown as code. */
  command?: string;
  /** A page to open (the health URL, to accept a certificate). */
  link?: string;
}

export interface Diagnosis {
  /** Most likely first. */
  causes: Cause[];
}

export type ProbeResult =
  | { ok: true; health: CompanionHealth; tokenAccepted?: boolean }
  | { ok: false; error: unknown; health?: CompanionHealth };

/** Asks /v1/health and, with a token, whether the token is accepted. */
export async function probeCompanion(client: CompanionClient): Promise<ProbeResult> {
  let health: CompanionHealth;
  try {
    health = await client.health();
  } catch (error) {
    return { ok: false, error };
  }
  if (!client.token) return { ok: true, health };
  try {
    await client.checkToken();
    return { ok: true, health, tokenAccepted: true };
  } catch (error) {
    return { ok: false, error, health };
  }
}

export interface PageLocation {
  protocol: string;
  hostname: string;
  origin: string;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

function notStarted(url: string): Cause {
  return {
    problem: 'not-started',
    title: 'The companion is not running',
    detail: `Nothing answers at ${url}. Start it in a terminal, in the add-in's folder (or type "${START_COMMAND_INSTALLED}" where partage is installed). It prints its address and a pairing code. If it runs on another port, change the address below.`,
    command: START_COMMAND,
  };
}

function certificate(url: string): Cause {
  return {
    problem: 'certificate',
    title: 'The certificate is not trusted',
    detail: `The companion may be running with a certificate this browser does not trust. Open ${url}/v1/health in a browser tab: if it warns about the certificate, trust the Office development certificate (npx office-addin-dev-certs install), then check again.`,
    command: 'npx office-addin-dev-certs install',
    link: `${url}/v1/health`,
  };
}

export function diagnose(url: string, error: unknown, page: PageLocation): Diagnosis {
  if (error instanceof CompanionHttpError) {
    if (error.code === 'origin_refused') {
      return {
        causes: [
          {
            problem: 'origin-refused',
            title: 'The companion refuses this page',
            detail: `It only answers the add-in's own address, and this pane comes from ${page.origin}. Restart the companion allowing it.`,
            command: `${START_COMMAND} --origin ${page.origin}`,
          },
        ],
      };
    }
    if (error.code === 'host_refused') {
      return {
        causes: [{ problem: 'host-refused', title: 'Use localhost in the address', detail: `The companion answers only at localhost or 127.0.0.1: ${error.message}` }],
      };
    }
    if (error.status === 401) {
      return {
        causes: [
          {
            problem: 'token-refused',
            title: 'The companion refused the saved pairing',
            detail: 'Its token changed (its data folder was deleted, or this is another companion). Pair again with the code it prints, or get a new code:',
            command: PAIR_COMMAND,
          },
        ],
      };
    }
  }
  if (error instanceof NotACompanionError) {
    return {
      causes: [
        {
          problem: 'wrong-port',
          title: 'Something else answers at this address',
          detail: `${url} answered (HTTP ${error.status}), but it is not the partage companion: wrong port? The companion prints its address when it starts (port 3917 unless started with --port).`,
          command: START_COMMAND,
        },
      ],
    };
  }
  if (error instanceof CompanionUnreachableError && error.reason === 'timeout') {
    return {
      causes: [
        {
          problem: 'timeout',
          title: 'The companion does not answer',
          detail: `${url} accepted the connection but did not answer in time. It may be stuck: stop it (Ctrl+C) and start it again.`,
          command: START_COMMAND,
        },
        certificate(url),
      ],
    };
  }
  // No answer at all: not running, or TLS refused. The pane's own certificate settles which is likelier.
  const companionHttps = url.startsWith('https:');
  const paneTrustsDevCertificate = page.protocol === 'https:' && isLoopback(page.hostname);
  // The pane loaded from https://localhost with the development certificate the companion also
  // serves, so this browser trusts it (a certificate exception is per host, not per port).
  if (!companionHttps || paneTrustsDevCertificate) return { causes: [notStarted(url)] };
  return { causes: [notStarted(url), certificate(url)] };
}

/** The location of this page, or a stand-in outside a browser. */
export function pageLocation(): PageLocation {
  if (typeof location === 'undefined') return { protocol: 'https:', hostname: 'localhost', origin: 'https://localhost:3000' };
  return { protocol: location.protocol, hostname: location.hostname, origin: location.origin };
}
