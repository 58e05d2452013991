package dev.sigstack.core.note;

/** Signs note texts under a key name. */
public interface NoteSigner {
    String name();

    int keyHash();

    byte[] sign(byte[] message);
}
