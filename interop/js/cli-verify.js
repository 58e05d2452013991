// Verifies a bundle with sigstore-js's verifier (@sigstore/verify) against a trusted_root.json file.
//   node cli-verify.js BUNDLE ARTIFACT|- TRUSTED_ROOT SAN ISSUER
// ARTIFACT "-" verifies a DSSE bundle without an artifact. Exit 0 and "OK" when it verifies, 1 with the reason.
'use strict';
const fs = require('fs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { TrustedRoot } = require('@sigstore/protobuf-specs');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

try {
  const [bundlePath, artifactPath, rootPath, san, issuer] = process.argv.slice(2);
  if (!issuer) {
    throw new Error('usage: node cli-verify.js BUNDLE ARTIFACT|- TRUSTED_ROOT SAN ISSUER');
  }
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  const root = TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootPath, 'utf8')));
  const artifact = artifactPath === '-' ? undefined : fs.readFileSync(artifactPath);
  const verifier = new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 });
  verifier.verify(toSignedEntity(bundle, artifact), { subjectAlternativeName: san, extensions: { issuer } });
  process.stdout.write('OK\n');
} catch (e) {
  process.stderr.write(`sigstore-js verify failed: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
}
