package dev.sigstack.core.note;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Note signers and verifiers for the key types a log and its witnesses use. */
public final class NoteKeys {
    /** Signature type byte of Ed25519 note keys. */
    static final byte TYPE_ED25519 = 0x01;
    /** Signature type byte of cosignature/v1 keys. */
    static final byte TYPE_COSIGNATURE_V1 = 0x04;

    private NoteKeys() {
    }

    /** The spec's key hash: the first four bytes of SHA-256(name || "\n" || type || key). */
    static int conformantKeyHash(String name, byte type, byte[] key) {
        MessageDigest md = sha256();
        md.update(name.getBytes(StandardCharsets.UTF_8));
        md.update((byte) '\n');
        md.update(type);
        md.update(key);
        return firstFourBytes(md.digest());
    }

    /** Sigstore's ECDSA key hash: the first four bytes of SHA-256 over the DER SubjectPublicKeyInfo. */
    public static int ecdsaKeyHash(PublicKey key) {
        return firstFourBytes(sha256().digest(key.getEncoded()));
    }

    /** An Ed25519 signer from a {@code PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>} string. */
    public static NoteSigner ed25519Signer(String privateKey) {
        String[] parts = privateKey.split("\\+", 5);
        if (parts.length != 5 || !parts[0].equals("PRIVATE") || !parts[1].equals("KEY")) {
            throw new IllegalArgumentException("not a note private key (PRIVATE+KEY+name+hash+key)");
        }
        byte[] blob = decodeKeyBlob(parts[4]);
        if (blob.length != 33 || blob[0] != TYPE_ED25519) {
            throw new IllegalArgumentException("not an Ed25519 note private key");
        }
        byte[] seed = new byte[32];
        System.arraycopy(blob, 1, seed, 0, 32);
        Ed25519PrivateKeyParameters priv = new Ed25519PrivateKeyParameters(seed, 0);
        NoteSigner signer = ed25519Signer(parts[2], priv);
        if (signer.keyHash() != (int) Long.parseLong(parts[3], 16)) {
            throw new IllegalArgumentException("note private key hash does not match its key");
        }
        return signer;
    }

    /** An Ed25519 signer for {@code name} from a 32-byte seed. */
    public static NoteSigner ed25519Signer(String name, byte[] seed) {
        return ed25519Signer(name, new Ed25519PrivateKeyParameters(seed, 0));
    }

    private static NoteSigner ed25519Signer(String name, Ed25519PrivateKeyParameters priv) {
        SignedNote.requireValidName(name);
        byte[] pub = priv.generatePublicKey().getEncoded();
        return new Signer(name, conformantKeyHash(name, TYPE_ED25519, pub), message -> {
            Ed25519Signer s = new Ed25519Signer();
            s.init(true, priv);
            s.update(message, 0, message.length);
            return s.generateSignature();
        });
    }

    /** The verifier key string {@code <name>+<hash>+<base64(0x01 || pub)>} of an Ed25519 seed. */
    public static String ed25519VerifierKey(String name, byte[] seed) {
        byte[] pub = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
        byte[] blob = new byte[33];
        blob[0] = TYPE_ED25519;
        System.arraycopy(pub, 0, blob, 1, 32);
        return name + "+" + String.format("%08x", conformantKeyHash(name, TYPE_ED25519, pub)) + "+"
                + Base64.getEncoder().encodeToString(blob);
    }

    /** A verifier from a {@code <name>+<hash>+<base64(type || key)>} string (Ed25519 or cosignature/v1). */
    public static NoteVerifier verifier(String verifierKey) {
        String[] parts = verifierKey.split("\\+", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a note verifier key (name+hash+key)");
        }
        String name = parts[0];
        SignedNote.requireValidName(name);
        byte[] blob = decodeKeyBlob(parts[2]);
        if (blob.length != 33 || (blob[0] != TYPE_ED25519 && blob[0] != TYPE_COSIGNATURE_V1)) {
            throw new IllegalArgumentException("unsupported note verifier key type");
        }
        byte[] pub = new byte[32];
        System.arraycopy(blob, 1, pub, 0, 32);
        int hash = conformantKeyHash(name, blob[0], pub);
        if (parts[1].length() != 8 || hash != (int) Long.parseLong(parts[1], 16)) {
            throw new IllegalArgumentException("note verifier key hash does not match its key");
        }
        Ed25519PublicKeyParameters key = new Ed25519PublicKeyParameters(pub, 0);
        boolean cosignature = blob[0] == TYPE_COSIGNATURE_V1;
        return new Verifier(name, hash, (message, signature) -> {
                byte[] signed = message;
                byte[] sig = signature;
                if (cosignature) {
                    if (signature.length != 8 + 64) {
                        return false;
                    }
                    long timestamp = 0;
                    for (int i = 0; i < 8; i++) {
                        timestamp = (timestamp << 8) | (signature[i] & 0xff);
                    }
                    signed = Cosignatures.signedMessage(timestamp, message);
                    sig = new byte[64];
                    System.arraycopy(signature, 8, sig, 0, 64);
                }
                if (sig.length != 64) {
                    return false;
                }
                Ed25519Signer v = new Ed25519Signer();
                v.init(false, key);
                v.update(signed, 0, signed.length);
                return v.verifySignature(sig);
            });
    }

    /** An ECDSA signer (DER signatures over SHA-256, as sigstore signs checkpoints); the key may live in an HSM. */
    public static NoteSigner ecdsaSigner(String name, PrivateKey privateKey, PublicKey publicKey) {
        SignedNote.requireValidName(name);
        requireEc(publicKey);
        return new Signer(name, ecdsaKeyHash(publicKey), message -> {
            try {
                Signature s = Signature.getInstance("SHA256withECDSA");
                s.initSign(privateKey);
                s.update(message);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("checkpoint signing failed", e);
            }
        });
    }

    /** An ECDSA verifier for sigstore-style checkpoint signatures. */
    public static NoteVerifier ecdsaVerifier(String name, PublicKey publicKey) {
        SignedNote.requireValidName(name);
        requireEc(publicKey);
        return new Verifier(name, ecdsaKeyHash(publicKey), (message, signature) -> {
            try {
                Signature s = Signature.getInstance("SHA256withECDSA");
                s.initVerify(publicKey);
                s.update(message);
                return s.verify(signature);
            } catch (GeneralSecurityException | RuntimeException e) {
                return false;
            }
        });
    }

    /** A signer from its name, key hash and signing function. */
    private record Signer(String name, int keyHash, java.util.function.UnaryOperator<byte[]> signature)
            implements NoteSigner {
        @Override
        public byte[] sign(byte[] message) {
            return signature.apply(message);
        }

        @Override
        public String toString() {
            return "NoteSigner[" + name + ", " + hex(keyHash) + "]";
        }
    }

    /** A verifier from its name, key hash and verifying predicate. */
    private record Verifier(String name, int keyHash, java.util.function.BiPredicate<byte[], byte[]> check)
            implements NoteVerifier {
        @Override
        public boolean verify(byte[] message, byte[] signature) {
            return check.test(message, signature);
        }
    }

    private static void requireEc(PublicKey key) {
        if (!(key instanceof ECPublicKey)) {
            throw new IllegalArgumentException("ECDSA note keys need an EC public key, got " + key.getAlgorithm());
        }
    }

    private static byte[] decodeKeyBlob(String b64) {
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("note key is not valid base64");
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static int firstFourBytes(byte[] b) {
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    /** Lower-case hex of a key hash, as it appears in key strings. */
    public static String hex(int keyHash) {
        return HexFormat.of().toHexDigits(keyHash);
    }
}
