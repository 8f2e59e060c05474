// Types for scripts/manifestUrls.js, which stays plain JavaScript because webpack.config.js
// requires it without a TypeScript loader.
export declare const DEV_URL: string;
export declare function normaliseProductionUrl(raw: string): string;
export declare function toProductionManifest(content: string | Buffer, prodUrl: string): string;
