package dev.sigstack.ca.keys;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import dev.sigstack.ca.issuance.CaSigner;

/**
 * The CA key in a PKCS#11 token through the JDK's SunPKCS11 provider (tested against SoftHSM2). The token entry
 * holds the private key and the certificate chain under one alias.
 */
public final class Pkcs11Keys {

    private Pkcs11Keys() {
    }

    /** A SunPKCS11 provider configured from a SunPKCS11 config file ({@code name}, {@code library}, {@code slot}...). */
    public static Provider provider(Path config) throws GeneralSecurityException {
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw new GeneralSecurityException("this JDK has no SunPKCS11 provider");
        }
        try {
            return base.configure(config.toString());
        } catch (RuntimeException e) {
            throw new GeneralSecurityException("cannot configure PKCS#11 from " + config + ": " + e.getMessage(), e);
        }
    }

    /** Loads the signer stored under {@code alias}. */
    public static CaSigner load(Path config, char[] pin, String alias) throws GeneralSecurityException, IOException {
        Provider p = provider(config);
        KeyStore ks = KeyStore.getInstance("PKCS11", p);
        ks.load(null, pin);
        Key key = ks.getKey(alias, null);
        if (!(key instanceof PrivateKey pk)) {
            throw new GeneralSecurityException("PKCS#11 token has no private key under alias '" + alias + "'");
        }
        Certificate[] chain = ks.getCertificateChain(alias);
        if (chain == null || chain.length == 0) {
            throw new GeneralSecurityException("PKCS#11 token has no certificate for alias '" + alias + "'");
        }
        List<X509Certificate> certs = new ArrayList<>();
        for (Certificate c : chain) {
            certs.add((X509Certificate) c);
        }
        return new CaSigner(pk, p, certs);
    }

    /** Stores a key and its chain in the token under {@code alias} (the key becomes a sensitive token object). */
    public static void store(Path config, char[] pin, String alias, PrivateKey key, List<X509Certificate> chain)
            throws GeneralSecurityException, IOException {
        Provider p = provider(config);
        KeyStore ks = KeyStore.getInstance("PKCS11", p);
        ks.load(null, pin);
        ks.setKeyEntry(alias, key, null, chain.toArray(new Certificate[0]));
    }
}
