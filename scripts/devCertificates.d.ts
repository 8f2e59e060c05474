// Types for scripts/devCertificates.js, which stays plain JavaScript because webpack.config.js
// requires it without a TypeScript loader.
export declare function devHttpsOptions(onWarning?: (message: string) => void): Promise<{ ca: string | Buffer; cert: string | Buffer; key: string | Buffer }>;
