package dev.sigstack.ca.ct;

import java.util.List;

import dev.sigstack.core.ct.Sct;

/** Submits precertificate chains to an RFC 6962 log, as Fulcio does before embedding the SCT. */
public interface CtLogClient {

    /**
     * {@code add-pre-chain}: the precertificate first, then its issuer chain up to the root, each DER.
     *
     * @return the log's SCT for the precertificate
     */
    Sct addPreChain(List<byte[]> chain) throws CtSubmissionException;
}
