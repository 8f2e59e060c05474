'use strict';
/**
 * The localhost development certificate of Office add-ins (office-addin-dev-certs, kept in
 * ~/.office-addin-dev-certs), for the dev server (webpack.config.js) and the companion service
 * (src/companion), so that the task pane and the companion are served with the same certificate
 * that the user trusted once.
 *
 * Plain JavaScript because webpack.config.js requires it without a TypeScript loader.
 */
const fs = require('node:fs');

/**
 * Creates the certificates when missing and tries to install the CA into the trust store. That
 * install needs sudo on Linux and fails in containers and CI; the certificates can still be made
 * and served, and `onWarning` is told that the user must trust the CA by hand, which beats not
 * serving at all. Resolves to `{ ca, cert, key }` (Buffers or strings) for https.createServer.
 */
async function devHttpsOptions(onWarning = (message) => console.warn(message)) {
  // Loaded lazily: only https serving needs it, and creating or installing certificates may prompt.
  const devCerts = require('office-addin-dev-certs');
  try {
    const options = await devCerts.getHttpsServerOptions();
    return { ca: options.ca, key: options.key, cert: options.cert };
  } catch (error) {
    const defaults = require('office-addin-dev-certs/lib/defaults');
    const paths = [defaults.caCertificatePath, defaults.localhostCertificatePath, defaults.localhostKeyPath];
    if (!paths.every((p) => fs.existsSync(p))) await devCerts.generateCertificates(...paths);
    onWarning(
      `could not install the development CA into the trust store (${String((error && error.message) || error).split('\n')[0]}). ` +
        `Serving with the certificate in ${defaults.certificateDirectory} anyway; trust ${defaults.caCertificatePath} ` +
        'in your browser or system (see README, "Sideload") or Excel will refuse to connect.',
    );
    const [ca, cert, key] = paths.map((p) => fs.readFileSync(p));
    return { ca, cert, key };
  }
}

module.exports = { devHttpsOptions };
