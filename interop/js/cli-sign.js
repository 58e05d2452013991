// Signs a file with sigstore-js against the services named in the environment and prints the bundle JSON.
//   node cli-sign.js sign FILE        message signature (hashedrekord)
//   node cli-sign.js attest FILE      the file is an in-toto statement, signed as a DSSE envelope (dsse entry)
// Environment: SIGSTACK_FULCIO_URL, SIGSTACK_REKOR_URL, SIGSTACK_TSA_URL (base URL, /api/v1/timestamp is added),
// SIGSTACK_TOKEN (the OIDC identity token).
'use strict';
const fs = require('fs');
const sigstore = require('sigstore');

async function main() {
  const [mode, file] = process.argv.slice(2);
  if (!['sign', 'attest'].includes(mode) || !file) {
    throw new Error('usage: node cli-sign.js sign|attest FILE');
  }
  const options = {
    fulcioURL: process.env.SIGSTACK_FULCIO_URL,
    rekorURL: process.env.SIGSTACK_REKOR_URL,
    tsaServerURL: process.env.SIGSTACK_TSA_URL,
    identityToken: process.env.SIGSTACK_TOKEN,
    tlogUpload: true,
  };
  const data = fs.readFileSync(file);
  const bundle = mode === 'sign'
    ? await sigstore.sign(data, options)
    : await sigstore.attest(data, 'application/vnd.in-toto+json', options);
  process.stdout.write(JSON.stringify(bundle));
}

main().catch((e) => {
  process.stderr.write(`sigstore-js failed: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
