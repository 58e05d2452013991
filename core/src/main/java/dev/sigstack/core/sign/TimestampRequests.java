package dev.sigstack.core.sign;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;

/**
 * RFC 3161 requests for a Sigstore signature: the message imprint is SHA-256 of the signature bytes, with a random
 * nonce and {@code certReq} set (as sigstore-go and sigstore-js ask). The answer's DER {@code TimeStampResp} goes
 * into the bundle as is.
 */
public final class TimestampRequests {
    public static final String CONTENT_TYPE = "application/timestamp-query";
    private static final SecureRandom RANDOM = new SecureRandom();

    private TimestampRequests() {
    }

    public static TimeStampRequest request(byte[] signature) {
        TimeStampRequestGenerator g = new TimeStampRequestGenerator();
        g.setCertReq(true);
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(signature);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return g.generate(TSPAlgorithms.SHA256, digest, new BigInteger(64, RANDOM));
    }

    /** Checks that the answer is granted and matches the request (imprint, nonce); returns its DER. */
    public static byte[] checkResponse(TimeStampRequest request, byte[] answer) throws SigningException {
        try {
            TimeStampResponse response = new TimeStampResponse(answer);
            response.validate(request);
            if (response.getTimeStampToken() == null) {
                throw new SigningException("TSA refused the request: status " + response.getStatus() + " "
                        + response.getStatusString());
            }
            return response.getEncoded();
        } catch (TSPException | IOException | RuntimeException e) {
            throw new SigningException("TSA answer is not a valid time-stamp response for the request: " + e.getMessage(), e);
        }
    }
}
