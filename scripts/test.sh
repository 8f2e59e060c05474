#!/usr/bin/env bash
# Sets up a fresh machine and runs every check: the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests need: chromium for the browser tests (Playwright drives it) and for
# SwiftShader, the Vulkan implementation on the CPU that it ships, on which the WebGPU kernels
# run where there is no GPU; libvulkan1 is the loader Dawn opens; libreoffice-calc-nogui, the
# spreadsheet engine that recalculates the workbooks we write (the copy for the other side);
# redis-server, the Redis the cluster tests start on a loopback port of their own; openssl, which
# makes the certificate of the TLS Redis in the cluster's security test.
SWIFTSHADER_ICD=/usr/lib/chromium/vk_swiftshader_icd.json
if [ ! -x /usr/bin/chromium ] || [ ! -f "$SWIFTSHADER_ICD" ] || ! ldconfig -p | grep -q 'libvulkan\.so\.1' || [ ! -x /usr/bin/soffice ] || [ ! -x /usr/bin/redis-server ] || ! command -v openssl >/dev/null; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium libvulkan1 libreoffice-calc-nogui redis-server openssl >/dev/null
fi
# A real GPU, when the machine has one, is used by the GPU tests; else SwiftShader.
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -z "${VK_DRIVER_FILES:-}" ] && [ -z "${PARTAGE_TEST_NATIVE_GPU:-}" ]; then
  export VK_ICD_FILENAMES="$SWIFTSHADER_ICD"
fi

npm ci --no-audit --no-fund
npm run typecheck
npm run build:node
npm test
