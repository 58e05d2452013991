// sigstore-js (npm sigstore 4.x and its @sigstore/sign), unchanged, against a running sigstack.
//   node sigstore-js.js sign FILE OUT        message signature, Rekor v1 (hashedrekord), sigstore.sign
//   node sigstore-js.js attest FILE OUT      FILE is an in-toto statement: DSSE, Rekor v1 (dsse), sigstore.attest
//   node sigstore-js.js sign-v2 FILE OUT     message signature, Rekor v2 and the TSA (@sigstore/sign witnesses)
//   node sigstore-js.js attest-v2 FILE OUT   DSSE, Rekor v2 and the TSA
//   node sigstore-js.js verify BUNDLE [FILE] sigstore.verify with the TUF repository and the identity below
// Environment: SIGSTACK_FULCIO_URL, SIGSTACK_REKOR_URL, SIGSTACK_REKOR_V2_URL, SIGSTACK_TSA_URL (the TSA's base
// URL: sigstore-js adds /api/v1/timestamp), SIGSTACK_TOKEN; for verify SIGSTACK_TUF_URL, SIGSTACK_TUF_ROOT,
// SIGSTACK_TUF_CACHE (a temporary directory), SIGSTACK_IDENTITY (an email address, or a URI with a scheme),
// SIGSTACK_ISSUER. Exit 0 on success; on failure exit 1 with the reason on stderr.
'use strict';
const fs = require('fs');
const sigstore = require('sigstore');
const sign = require('@sigstore/sign');
const { bundleToJSON } = require('@sigstore/bundle');

const INTOTO = 'application/vnd.in-toto+json';
const env = (name) => {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set`);
  }
  return v;
};

async function rekorV2(file, dsse) {
  const token = env('SIGSTACK_TOKEN');
  const signer = new sign.FulcioSigner({
    fulcioBaseURL: env('SIGSTACK_FULCIO_URL'),
    identityProvider: { getToken: async () => token },
  });
  const witnesses = [
    new sign.RekorWitness({ rekorBaseURL: env('SIGSTACK_REKOR_V2_URL'), majorApiVersion: 2, timeout: 20000 }),
    new sign.TSAWitness({ tsaBaseURL: env('SIGSTACK_TSA_URL') }),
  ];
  const data = fs.readFileSync(file);
  const builder = dsse
    ? new sign.DSSEBundleBuilder({ signer, witnesses })
    : new sign.MessageSignatureBundleBuilder({ signer, witnesses });
  return bundleToJSON(await builder.create(dsse ? { data, type: INTOTO } : { data }));
}

async function main() {
  const [mode, file, out] = process.argv.slice(2);
  const signOptions = () => ({
    fulcioURL: env('SIGSTACK_FULCIO_URL'),
    rekorURL: env('SIGSTACK_REKOR_URL'),
    identityToken: env('SIGSTACK_TOKEN'),
    tlogUpload: true,
  });
  let bundle;
  switch (mode) {
    case 'sign':
      bundle = await sigstore.sign(fs.readFileSync(file), signOptions());
      break;
    case 'attest':
      bundle = await sigstore.attest(fs.readFileSync(file), INTOTO, signOptions());
      break;
    case 'sign-v2':
      bundle = await rekorV2(file, false);
      break;
    case 'attest-v2':
      bundle = await rekorV2(file, true);
      break;
    case 'verify': {
      const identity = env('SIGSTACK_IDENTITY');
      const options = {
        tufMirrorURL: env('SIGSTACK_TUF_URL'),
        tufRootPath: env('SIGSTACK_TUF_ROOT'),
        tufCachePath: env('SIGSTACK_TUF_CACHE'),
        certificateIssuer: env('SIGSTACK_ISSUER'),
        // default ctLogThreshold and tlogThreshold (1 each)
      };
      if (/^[a-z][a-z0-9+.-]*:/i.test(identity)) {
        options.certificateIdentityURI = identity;
      } else {
        options.certificateIdentityEmail = identity;
      }
      const b = JSON.parse(fs.readFileSync(file, 'utf8'));
      await (out ? sigstore.verify(b, fs.readFileSync(out), options) : sigstore.verify(b, options));
      process.stdout.write('verified\n');
      return;
    }
    default:
      throw new Error('usage: node sigstore-js.js sign|attest|sign-v2|attest-v2 FILE OUT | verify BUNDLE [FILE]');
  }
  fs.writeFileSync(out, JSON.stringify(bundle));
}

main().catch((e) => {
  let why = `sigstore-js failed: ${e && e.code ? e.code + ': ' : ''}${e && e.stack ? e.stack : e}\n`;
  for (let c = e && e.cause; c; c = c.cause) {
    why += `caused by: ${c.code ? c.code + ': ' : ''}${c.name}: ${c.message}\n`;
  }
  process.stderr.write(why);
  process.exit(1);
});
