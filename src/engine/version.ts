/** Engine version carried by every sampled result so a counterpart can re-run it. */
export const ENGINE_VERSION = '0.1.0';
