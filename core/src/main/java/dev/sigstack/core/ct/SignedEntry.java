package dev.sigstack.core.ct;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * What an SCT covers (RFC 6962 §3.2 {@code signed_entry}): an X.509 certificate, or a precertificate given as
 * the SHA-256 of its issuer's SPKI and its TBSCertificate without the poison extension.
 */
public sealed interface SignedEntry {
    /** {@code LogEntryType.x509_entry}. */
    int X509 = 0;
    /** {@code LogEntryType.precert_entry}. */
    int PRECERT = 1;

    int entryType();

    /** The signed_entry bytes: ASN.1Cert, or issuer_key_hash followed by TBSCertificate (3-byte lengths). */
    byte[] encodeEntry();

    /** The input the log signs for an SCT (§3.2): version, signature_type, timestamp, entry type, entry, extensions. */
    default byte[] signatureInput(long timestamp, byte[] extensions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        out.write(Sct.V1);
        out.write(0); // SignatureType.certificate_timestamp
        TlsCodec.writeUint(out, timestamp, 8);
        TlsCodec.writeUint(out, entryType(), 2);
        out.writeBytes(encodeEntry());
        TlsCodec.writeVector(out, extensions == null ? new byte[0] : extensions, 2);
        return out.toByteArray();
    }

    /** The MerkleTreeLeaf (§3.4): version v1, leaf type timestamped_entry, and the TimestampedEntry. */
    default byte[] merkleTreeLeaf(long timestamp, byte[] extensions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        out.write(Sct.V1);
        out.write(0); // MerkleLeafType.timestamped_entry
        TlsCodec.writeUint(out, timestamp, 8);
        TlsCodec.writeUint(out, entryType(), 2);
        out.writeBytes(encodeEntry());
        TlsCodec.writeVector(out, extensions == null ? new byte[0] : extensions, 2);
        return out.toByteArray();
    }

    /** An X.509 entry. */
    record X509Entry(byte[] certificate) implements SignedEntry {
        public X509Entry {
            if (certificate == null || certificate.length == 0 || certificate.length >= (1 << 24)) {
                throw new IllegalArgumentException("certificate must be 1..2^24-1 bytes");
            }
            certificate = certificate.clone();
        }

        @Override
        public byte[] certificate() {
            return certificate.clone();
        }

        @Override
        public int entryType() {
            return X509;
        }

        @Override
        public byte[] encodeEntry() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(certificate.length + 3);
            TlsCodec.writeVector(out, certificate, 3);
            return out.toByteArray();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof X509Entry e && Arrays.equals(certificate, e.certificate);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(certificate);
        }
    }

    /** A precertificate entry. */
    record PrecertEntry(byte[] issuerKeyHash, byte[] tbsCertificate) implements SignedEntry {
        public PrecertEntry {
            if (issuerKeyHash == null || issuerKeyHash.length != 32) {
                throw new IllegalArgumentException("issuer key hash must be 32 bytes");
            }
            if (tbsCertificate == null || tbsCertificate.length == 0 || tbsCertificate.length >= (1 << 24)) {
                throw new IllegalArgumentException("TBSCertificate must be 1..2^24-1 bytes");
            }
            issuerKeyHash = issuerKeyHash.clone();
            tbsCertificate = tbsCertificate.clone();
        }

        @Override
        public byte[] issuerKeyHash() {
            return issuerKeyHash.clone();
        }

        @Override
        public byte[] tbsCertificate() {
            return tbsCertificate.clone();
        }

        @Override
        public int entryType() {
            return PRECERT;
        }

        @Override
        public byte[] encodeEntry() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(tbsCertificate.length + 35);
            out.writeBytes(issuerKeyHash);
            TlsCodec.writeVector(out, tbsCertificate, 3);
            return out.toByteArray();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PrecertEntry e && Arrays.equals(issuerKeyHash, e.issuerKeyHash)
                && Arrays.equals(tbsCertificate, e.tbsCertificate);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(issuerKeyHash) + Arrays.hashCode(tbsCertificate);
        }
    }
}
