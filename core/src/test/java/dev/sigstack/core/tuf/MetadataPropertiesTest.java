package dev.sigstack.core.tuf;

import dev.sigstack.core.testing.Hostile;
import dev.sigstack.core.testing.NeedsVectors;
import dev.sigstack.core.testing.Vectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Generated hostile TUF metadata from a real repository (root, targets, snapshot, timestamp of the public client
 * vectors): parsing, the role accessors and signature checks throw {@link TufException}s, never anything else.
 */
@AddLifecycleHook(NeedsVectors.class)
class MetadataPropertiesTest {
    private static final String[] ROLES = {"root", "targets", "snapshot", "timestamp"};

    private static Metadata.RootInfo trusted;

    private static Path repo() {
        return Vectors.dirOrNull("tuf-client-failures/test/repository");
    }

    /** The trusted root, read and parsed once (lazily: the class loads even where the vectors are absent). */
    private static synchronized Metadata.RootInfo trusted() throws TufException, IOException {
        if (trusted == null) {
            trusted = Metadata.parse("root.json", Files.readAllBytes(repo().resolve("root.json"))).rootInfo();
        }
        return trusted;
    }

    private static List<byte[]> samples() {
        try {
            List<byte[]> out = new java.util.ArrayList<>();
            for (String role : ROLES) {
                out.add(Files.readAllBytes(repo().resolve(role + ".json")));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Provide
    Arbitrary<byte[]> hostileMetadata() {
        List<byte[]> samples = samples();
        return Arbitraries.oneOf(Hostile.jsonMutations(samples), Hostile.jsonMutations(samples),
                Hostile.mutations(samples));
    }

    @Property(tries = 600)
    void parse_mutatedMetadata_tufException(@ForAll("hostileMetadata") byte[] raw) throws Exception {
        Metadata.RootInfo trusted = trusted();
        Object parsed = Hostile.refusesCleanly("parse", () -> Metadata.parse("x.json", raw), TufException.class);
        if (parsed instanceof Metadata m) {
            Hostile.refusesCleanly(m::rootInfo, TufException.class);
            Hostile.refusesCleanly(m::meta, TufException.class);
            Hostile.refusesCleanly(m::targets, TufException.class);
            Hostile.refusesCleanly(m::canonicalSigned, TufException.class);
            for (String role : ROLES) {
                Hostile.refusesCleanly(() -> {
                    m.verifySignatures(trusted, role);
                    return null;
                }, TufException.class);
            }
        }
    }

    @Property(tries = 200)
    void parse_arbitraryBytes_tufException(@ForAll byte[] raw) {
        Hostile.refusesCleanly(() -> Metadata.parse("x.json", raw), TufException.class);
    }
}
