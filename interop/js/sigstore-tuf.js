// Fetches trusted_root.json through @sigstore/tuf (what sigstore-js uses), unchanged.
// usage: node sigstore-tuf.js MIRROR_URL TRUSTED_ROOT_FILE CACHE_DIR
// Prints one JSON line: {mediaType, tlogs, ctlogs, certificateAuthorities, timestampAuthorities,
// tlogBaseUrls}; exits 1 with {error, name} on failure.
'use strict';
const { getTrustedRoot } = require('@sigstore/tuf');

async function main() {
  const [mirrorURL, rootPath, cachePath] = process.argv.slice(2);
  const tr = await getTrustedRoot({ mirrorURL, rootPath, cachePath, retry: 0, timeout: 5000 });
  console.log(JSON.stringify({
    mediaType: tr.mediaType,
    tlogs: tr.tlogs.length,
    ctlogs: tr.ctlogs.length,
    certificateAuthorities: tr.certificateAuthorities.length,
    timestampAuthorities: tr.timestampAuthorities.length,
    tlogBaseUrls: tr.tlogs.map((t) => t.baseUrl),
  }));
}

main().catch((e) => {
  console.log(JSON.stringify({ error: String(e && e.message), name: e && e.constructor && e.constructor.name }));
  process.exit(1);
});
