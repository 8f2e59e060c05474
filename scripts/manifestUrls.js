/*
 * The one place that knows how a development manifest becomes a production manifest.
 * webpack.config.js uses it when it copies manifest*.xml into dist/, and
 * test/addin/manifest.test.ts checks the very same function, so what is tested is what ships.
 */
'use strict';

/** Every URL in the source manifest starts with this (the webpack dev server). */
const DEV_URL = 'https://localhost:3000/';

/**
 * Checks and normalises a production base URL. Office refuses add-in pages that are not
 * https, and the swap below joins paths onto the base, so both are enforced at build time
 * rather than discovered in Excel.
 */
function normaliseProductionUrl(raw) {
  const text = String(raw).trim();
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`production URL is not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'https:') {
    throw new Error(`production URL must use https (Office loads add-ins over https only): ${text}`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new Error(`production URL must be a plain base URL, without query, fragment or credentials: ${text}`);
  }
  // Without the trailing slash "taskpane.html" would be glued onto the last path segment.
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

/**
 * Replaces every occurrence of the dev URL by prodUrl. Not String.replace with a string
 * pattern: it stops after the first match and would leave localhost URLs in dist/manifest.xml.
 */
function toProductionManifest(content, prodUrl) {
  return String(content).split(DEV_URL).join(normaliseProductionUrl(prodUrl));
}

module.exports = { DEV_URL, normaliseProductionUrl, toProductionManifest };
