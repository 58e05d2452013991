package dev.sigstack.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Decodes one entry and checks each of its signers against the allowlist. */
final class EntryChecker {
    private final EntryDecoder decoder;
    private volatile Allowlist allowlist;

    EntryChecker(EntryDecoder decoder, Allowlist allowlist) {
        this.decoder = decoder;
        this.allowlist = allowlist;
    }

    /** Replaces the allowlist (for a reload); entries already checked are not re-checked. */
    void allowlist(Allowlist a) {
        this.allowlist = a;
    }

    /**
     * The outcome for one entry.
     *
     * @param entry what the index keeps
     * @param decoded the decoded entry, or null when it did not decode
     * @param alerts the alerts it raises (none when every signer is allowed and the certificate is sound)
     */
    record Result(MonitorStore.CheckedEntry entry, DecodedEntry decoded, List<Alert> alerts) { }

    Result check(long index, byte[] body) {
        DecodedEntry decoded;
        try {
            decoded = decoder.decode(index, body);
        } catch (MalformedEntryException e) {
            String uuid = decoder.uuid(body);
            return new Result(new MonitorStore.CheckedEntry(index, uuid, "malformed", List.of(), List.of()), null,
                    List.of(Alert.ofEntry(AlertType.MALFORMED_ENTRY, index, uuid, null,
                            "entry " + index + " cannot be decoded: " + e.getMessage())));
        }
        Allowlist rules = allowlist;
        List<Alert> alerts = new ArrayList<>();
        List<MonitorStore.CheckedSigner> signers = new ArrayList<>();
        for (DecodedEntry.Signer s : decoded.signers()) {
            Optional<String> violation = rules.violation(decoded, s.identity());
            signers.add(new MonitorStore.CheckedSigner(s.identity(), violation.isEmpty()));
            if (s.problem() != null) {
                alerts.add(Alert.ofEntry(AlertType.MALFORMED_ENTRY, index, decoded.uuid(), s.identity(),
                        "entry " + index + " has a suspect certificate: " + s.problem()));
            }
            violation.ifPresent(v -> alerts.add(Alert.ofEntry(AlertType.UNLISTED_IDENTITY, index, decoded.uuid(),
                    s.identity(), "entry " + index + " (" + decoded.kind() + "): " + v)));
        }
        return new Result(new MonitorStore.CheckedEntry(index, decoded.uuid(), decoded.kind(), signers,
                decoded.artifacts()), decoded, alerts);
    }
}
