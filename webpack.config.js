/*
 * Builds the partage add-in the way OfficeDev/Excel-Custom-Functions-Shared does: the task pane
 * (React) and the custom functions are two entries bundled into ONE page, taskpane.html, which
 * the manifest names as the shared runtime (Runtime, Page, FunctionFile and the ribbon button
 * all use Taskpane.Url). functions.json is generated from the JSDoc in src/functions/functions.ts.
 *
 *   webpack --mode production    -> dist/ with manifest URLs switched to urlProd
 *   webpack --mode development   -> dist/ with https://localhost:3000/ kept
 *   webpack serve --mode development -> https dev server on config.dev_server_port
 */
'use strict';

const path = require('node:path');
const CopyWebpackPlugin = require('copy-webpack-plugin');
const CustomFunctionsMetadataPlugin = require('custom-functions-metadata-plugin');
const HtmlWebpackPlugin = require('html-webpack-plugin');
const webpack = require('webpack');
const { normaliseProductionUrl, toProductionManifest } = require('./scripts/manifestUrls');
const { devHttpsOptions } = require('./scripts/devCertificates');
const packageJson = require('./package.json');

// Where the production build is deployed. A placeholder until partage has a home: set
// PARTAGE_PROD_URL for a real deployment rather than editing this line.
const urlProd = normaliseProductionUrl(process.env.PARTAGE_PROD_URL || 'https://partage.example.org/');

const functionsEntry = './src/functions/functions.ts';

async function devServerHttpsOptions() {
  return devHttpsOptions((message) => console.warn(`\npartage: ${message}\n`));
}

module.exports = async (env = {}, argv = {}) => {
  // As in webpack itself, anything but an explicit development build is a production build.
  const dev = argv.mode === 'development';
  return {
    devtool: 'source-map',
    // The engine's exact arithmetic uses BigInt, so ES2020 is the floor anyway. Hosts that support
    // SharedRuntime 1.1 run add-ins in WebView2 (Windows), WKWebView (Mac) or, for Excel on the
    // web, the user's browser; current versions of all three have ES2020.
    target: ['web', 'es2020'],
    entry: {
      taskpane: './src/taskpane/index.tsx',
      // The shim first: outside Office it stands in for CustomFunctions, which the loader's
      // appended associate calls need (src/taskpane/customFunctionsShim.ts).
      functions: ['./src/taskpane/customFunctionsShim.ts', functionsEntry],
    },
    output: {
      path: path.resolve(__dirname, 'dist'),
      // Stable names: the manifest points at functions.js directly.
      filename: '[name].js',
      clean: true,
    },
    resolve: {
      extensions: ['.ts', '.tsx', '.js'],
    },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'ts-loader',
            options: {
              // Type checking is `tsc --noEmit` over the whole project; here it would only make
              // the build slower and report the same errors twice.
              transpileOnly: true,
              compilerOptions: {
                noEmit: false,
                // ES modules let webpack tree-shake Fluent UI; tsconfig's CommonJS is for Node.
                module: 'esnext',
                // See `target` below.
                target: 'es2020',
              },
            },
          },
        },
        {
          // The LP solver of PARTAGE.NUCLEOLUS (src/lp/highs.ts): its ES build finds the binary by
          // `new URL('highs.wasm', import.meta.url)`, which webpack emits as this asset.
          test: /highs\.wasm$/,
          type: 'asset/resource',
          generator: { filename: '[name][ext]' },
        },
      ],
    },
    plugins: [
      // highs' loader reaches for node:fs, node:module… only when it runs under Node; in the
      // browser those branches are dead, so the modules are left out rather than polyfilled.
      new webpack.IgnorePlugin({ resourceRegExp: /^node:(fs|module|path|url|crypto)$/, contextRegExp: /[\\/]node_modules[\\/]highs[\\/]/ }),
      new CustomFunctionsMetadataPlugin({
        output: 'functions.json',
        input: functionsEntry,
      }),
      new HtmlWebpackPlugin({
        filename: 'taskpane.html',
        template: './src/taskpane/taskpane.html',
        // Functions first: in the shared runtime the page may be loaded only to calculate, so
        // the functions must register even if the task pane code were to fail.
        chunks: ['functions', 'taskpane'],
        chunksSortMode: 'manual',
      }),
      new HtmlWebpackPlugin({
        filename: 'support.html',
        template: './src/taskpane/support.html',
        chunks: [],
      }),
      new CopyWebpackPlugin({
        patterns: [
          { from: 'assets/*.png', to: 'assets/[name][ext]' },
          {
            from: 'manifest*.xml',
            to: '[name][ext]',
            transform(content) {
              return dev ? content : toProductionManifest(content, urlProd);
            },
          },
        ],
      }),
    ],
    performance: {
      // React + Fluent UI alone are above webpack's 244 KiB default; the pane is loaded once per
      // session from the add-in's own host. The limit still flags an accidental large import.
      maxEntrypointSize: 1.5 * 1024 * 1024,
      maxAssetSize: 1.5 * 1024 * 1024,
      // highs.wasm (3.5 MB) is fetched only when a sheet first calls PARTAGE.NUCLEOLUS.
      assetFilter: (file) => !file.endsWith('.map') && !file.endsWith('.wasm'),
    },
    devServer: {
      // Loopback only: the manifest says localhost, and nothing on the network needs the server.
      host: 'localhost',
      // Everything served comes from the build (assets are copied by CopyWebpackPlugin).
      static: false,
      // Excel on the web fetches functions.json and the icons cross-origin.
      headers: { 'Access-Control-Allow-Origin': '*' },
      server: {
        type: 'https',
        options: env.WEBPACK_SERVE ? await devServerHttpsOptions() : undefined,
      },
      port: Number(process.env.npm_package_config_dev_server_port || packageJson.config.dev_server_port || 3000),
    },
  };
};
