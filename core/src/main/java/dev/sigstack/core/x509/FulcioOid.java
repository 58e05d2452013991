package dev.sigstack.core.x509;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/** The OIDs of Fulcio's arc {@code 1.3.6.1.4.1.57264.1}, with the encoding each extension uses. */
public enum FulcioOid {
    /** Deprecated issuer, raw bytes. */
    ISSUER_V1(1, Encoding.RAW),
    GITHUB_WORKFLOW_TRIGGER(2, Encoding.RAW),
    GITHUB_WORKFLOW_SHA(3, Encoding.RAW),
    GITHUB_WORKFLOW_NAME(4, Encoding.RAW),
    GITHUB_WORKFLOW_REPOSITORY(5, Encoding.RAW),
    GITHUB_WORKFLOW_REF(6, Encoding.RAW),
    /** The OtherName type-id of a {@code username} SAN; not an extension. */
    OTHER_NAME(7, Encoding.NONE),
    ISSUER_V2(8, Encoding.UTF8_STRING),
    BUILD_SIGNER_URI(9, Encoding.UTF8_STRING),
    BUILD_SIGNER_DIGEST(10, Encoding.UTF8_STRING),
    RUNNER_ENVIRONMENT(11, Encoding.UTF8_STRING),
    SOURCE_REPOSITORY_URI(12, Encoding.UTF8_STRING),
    SOURCE_REPOSITORY_DIGEST(13, Encoding.UTF8_STRING),
    SOURCE_REPOSITORY_REF(14, Encoding.UTF8_STRING),
    SOURCE_REPOSITORY_IDENTIFIER(15, Encoding.UTF8_STRING),
    SOURCE_REPOSITORY_OWNER_URI(16, Encoding.UTF8_STRING),
    SOURCE_REPOSITORY_OWNER_IDENTIFIER(17, Encoding.UTF8_STRING),
    BUILD_CONFIG_URI(18, Encoding.UTF8_STRING),
    BUILD_CONFIG_DIGEST(19, Encoding.UTF8_STRING),
    BUILD_TRIGGER(20, Encoding.UTF8_STRING),
    RUN_INVOCATION_URI(21, Encoding.UTF8_STRING),
    SOURCE_REPOSITORY_VISIBILITY_AT_SIGNING(22, Encoding.UTF8_STRING),
    DEPLOYMENT_ENVIRONMENT(23, Encoding.UTF8_STRING),
    /** The raw {@code sub} claim of the token. */
    TOKEN_SUBJECT(24, Encoding.UTF8_STRING);

    /** How an extension's value is encoded. */
    public enum Encoding { RAW, UTF8_STRING, NONE }

    public static final String ARC = "1.3.6.1.4.1.57264.1";

    private final int number;
    private final Encoding encoding;
    private final ASN1ObjectIdentifier oid;

    FulcioOid(int number, Encoding encoding) {
        this.number = number;
        this.encoding = encoding;
        this.oid = new ASN1ObjectIdentifier(ARC + "." + number);
    }

    public int number() {
        return number;
    }

    public Encoding encoding() {
        return encoding;
    }

    public ASN1ObjectIdentifier oid() {
        return oid;
    }

    public String dotted() {
        return oid.getId();
    }
}
