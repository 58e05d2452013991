// Signs with sigstore-js against a sigstack CA and timestamp authority, then verifies the bundle with
// @sigstore/verify against a trusted root that names that CA, its CT log and its TSA.
//
// usage: node ca-sign-verify.mjs <fulcio-url> <tsa-url> <token-file> <trusted-root.json> <expected-san> <expected-issuer>
// Prints one JSON line; exits 0 only when signing and verification (chain, embedded SCT, timestamp, identity) pass.
import { readFileSync } from 'node:fs';
import { FulcioSigner, MessageSignatureBundleBuilder, TSAWitness } from '@sigstore/sign';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { TrustedRoot } from '@sigstore/protobuf-specs';

const [fulcioURL, tsaURL, tokenFile, rootFile, expectedSan, expectedIssuer] = process.argv.slice(2);
const token = readFileSync(tokenFile, 'utf8').trim();
const artifact = Buffer.from('hello from sigstore-js to sigstack');

try {
  const signer = new FulcioSigner({ fulcioBaseURL: fulcioURL, identityProvider: { getToken: async () => token } });
  const builder = new MessageSignatureBundleBuilder({ signer, witnesses: [new TSAWitness({ tsaBaseURL: tsaURL })] });
  const bundle = await builder.create({ data: artifact });

  const root = TrustedRoot.fromJSON(JSON.parse(readFileSync(rootFile, 'utf8')));
  // No transparency log yet: require the embedded SCT (ctlog) and the RFC 3161 timestamp instead.
  const verifier = new Verifier(toTrustMaterial(root), { tlogThreshold: 0, ctlogThreshold: 1, timestampThreshold: 1 });
  const result = verifier.verify(toSignedEntity(bundle, artifact),
    { subjectAlternativeName: expectedSan, extensions: { issuer: expectedIssuer } });
  console.log(JSON.stringify({ ok: true, san: result.identity?.subjectAlternativeName, issuer: result.identity?.extensions?.issuer,
    certificates: bundle.verificationMaterial.content.x509CertificateChain?.certificates?.length
      ?? (bundle.verificationMaterial.content.certificate ? 1 : 0) }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e && e.message || e), code: e && e.code }));
  process.exit(1);
}
