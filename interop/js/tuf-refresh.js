// Refreshes a TUF repository with tuf-js (a real client, unchanged) and downloads one target.
// usage: node tuf-refresh.js METADATA_URL TRUSTED_ROOT_FILE CACHE_DIR TARGET_NAME
// Prints one JSON line: {target, length, sha256, rootVersion, timestampVersion}; exits 1 with
// {error, name} on failure.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Updater } = require('tuf-js');

async function main() {
  const [url, rootFile, cacheDir, target] = process.argv.slice(2);
  const targetDir = path.join(cacheDir, 'targets');
  fs.mkdirSync(targetDir, { recursive: true });
  const cachedRoot = path.join(cacheDir, 'root.json');
  if (!fs.existsSync(cachedRoot)) {
    fs.copyFileSync(rootFile, cachedRoot);
  }
  const updater = new Updater({
    metadataBaseUrl: url,
    targetBaseUrl: `${url}/targets`,
    metadataDir: cacheDir,
    targetDir,
  });
  await updater.refresh();
  const info = await updater.getTargetInfo(target);
  if (!info) {
    throw new Error(`target ${target} not found`);
  }
  const file = (await updater.findCachedTarget(info)) || (await updater.downloadTarget(info));
  const bytes = fs.readFileSync(file);
  const root = JSON.parse(fs.readFileSync(cachedRoot, 'utf8'));
  const timestamp = JSON.parse(fs.readFileSync(path.join(cacheDir, 'timestamp.json'), 'utf8'));
  console.log(JSON.stringify({
    target,
    length: bytes.length,
    sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
    rootVersion: root.signed.version,
    timestampVersion: timestamp.signed.version,
  }));
}

main().catch((e) => {
  console.log(JSON.stringify({ error: String(e && e.message), name: e && e.constructor && e.constructor.name }));
  process.exit(1);
});
