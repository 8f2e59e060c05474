#!/usr/bin/env node
/*
 * `npm start`: serves the add-in over https on localhost (webpack-dev-server, development build)
 * and prints how to load it into Excel. It does not sideload by itself: automatic sideloading
 * (office-addin-debugging) only works on Windows and macOS with desktop Excel installed, while
 * this also has to work on Linux machines that test against Excel on the web.
 *
 * Extra arguments are passed to `webpack serve`, e.g. `npm start -- --no-hot`.
 */
'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');
const packageJson = require('../package.json');

const root = path.resolve(__dirname, '..');
const port = Number(process.env.npm_package_config_dev_server_port || packageJson.config.dev_server_port || 3000);
const base = `https://localhost:${port}/`;

const instructions = `
partage — development server
  Task pane:   ${base}taskpane.html
  Functions:   ${base}functions.json
  Manifest:    manifest.xml (points at ${base})

The first start creates a localhost certificate in ~/.office-addin-dev-certs and asks to trust
its CA (office-addin-dev-certs); accept, or Excel will refuse to load the add-in. On Linux the CA
goes into the system store with sudo; Chrome and Firefox keep their own, so import
~/.office-addin-dev-certs/ca.crt there too. Leave this server running, then load the add-in:

  Excel on Windows or Mac (desktop)
    npx office-addin-debugging start manifest.xml desktop
      opens Excel with the add-in sideloaded (stop with: npx office-addin-debugging stop manifest.xml).
    Or by hand: Windows — share the folder holding manifest.xml, add that share under
      File > Options > Trust Center > Trust Center Settings > Trusted Add-in Catalogs, restart Excel,
      then Home > Add-ins > More Add-ins > Shared Folder.
      Mac — copy manifest.xml to ~/Library/Containers/com.microsoft.Excel/Data/Documents/wef/
      and restart Excel; the add-in is listed under Home > Add-ins.

  Excel on the web
    Open a workbook, then Home > Add-ins > More Add-ins (older ribbons: Insert > Add-ins),
    My Add-ins > Upload My Add-in, and choose manifest.xml. The browser must trust the
    localhost certificate: open ${base}taskpane.html once to check.
    Or: npx office-addin-debugging start manifest.xml web --document <URL of a workbook in OneDrive>

Then Home > partage opens the task pane, and =PARTAGE. in a cell lists the functions.
`;

process.stdout.write(instructions + '\n');

const webpackCli = require.resolve('webpack-cli/bin/cli.js', { paths: [root] });
const server = spawn(process.execPath, [webpackCli, 'serve', '--mode', 'development', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});

// Pass Ctrl+C and termination on to the server so that no orphan keeps the port.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
