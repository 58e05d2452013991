package dev.sigstack.core.sign;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.sigstore.proto.common.v1.TimeRange;
import dev.sigstore.proto.trustroot.v1.Service;
import dev.sigstore.proto.trustroot.v1.ServiceConfiguration;
import dev.sigstore.proto.trustroot.v1.ServiceSelector;
import dev.sigstore.proto.trustroot.v1.SigningConfig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The services a signer uses, chosen from a {@code SigningConfig} v0.2 as the Sigstore clients do: only services
 * valid now and with an API version this client speaks; of those, the highest API version; then the selector
 * ({@code ANY}: the first, {@code EXACT}: the first {@code count}, {@code ALL}: every one) in listed order.
 *
 * @param ca    the Fulcio-compatible CA (API v1: {@code /api/v2/signingCert})
 * @param tlogs the Rekor logs to write to (API v1 or v2)
 * @param tsas  the RFC 3161 timestamp authorities (may be empty when the config lists none)
 */
public record ServiceSelection(Service ca, List<Service> tlogs, List<Service> tsas) {
    public static final String MEDIA_TYPE = "application/vnd.dev.sigstore.signingconfig.v0.2+json";
    static final Set<Integer> CA_VERSIONS = Set.of(1);
    static final Set<Integer> REKOR_VERSIONS = Set.of(1, 2);
    static final Set<Integer> TSA_VERSIONS = Set.of(1);

    public ServiceSelection {
        Objects.requireNonNull(ca, "ca");
        tlogs = List.copyOf(tlogs);
        tsas = List.copyOf(tsas);
        if (tlogs.isEmpty()) {
            throw new IllegalArgumentException("at least one transparency log is needed");
        }
    }

    /** Parses signing config JSON (protobuf JSON) and checks its media type. */
    public static SigningConfig parse(byte[] json) throws SigningException {
        SigningConfig.Builder b = SigningConfig.newBuilder();
        try {
            JsonFormat.parser().merge(new String(json, StandardCharsets.UTF_8), b);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new SigningException("signing config is not valid SigningConfig JSON: " + e.getMessage(), e);
        }
        if (!MEDIA_TYPE.equals(b.getMediaType())) {
            throw new SigningException("signing config media type is " + b.getMediaType() + ", expected " + MEDIA_TYPE);
        }
        return b.build();
    }

    /** Chooses the services valid at {@code now}. */
    public static ServiceSelection select(SigningConfig config, Instant now) throws SigningException {
        List<Service> cas = select("CA", config.getCaUrlsList(), CA_VERSIONS, ServiceConfiguration.newBuilder()
                .setSelector(ServiceSelector.ANY).build(), now, true);
        List<Service> tlogs = select("Rekor", config.getRekorTlogUrlsList(), REKOR_VERSIONS, config.getRekorTlogConfig(), now, true);
        List<Service> tsas = config.getTsaUrlsCount() == 0 ? List.of()
                : select("TSA", config.getTsaUrlsList(), TSA_VERSIONS, config.getTsaConfig(), now, true);
        return new ServiceSelection(cas.get(0), tlogs, tsas);
    }

    private static List<Service> select(String what, List<Service> services, Set<Integer> versions,
            ServiceConfiguration cfg, Instant now, boolean required) throws SigningException {
        List<Service> usable = new ArrayList<>();
        int best = -1;
        for (Service s : services) {
            if (s.getUrl().isEmpty() || !versions.contains(s.getMajorApiVersion()) || !validAt(s.getValidFor(), now)) {
                continue;
            }
            if (s.getMajorApiVersion() > best) {
                best = s.getMajorApiVersion();
                usable.clear();
            }
            if (s.getMajorApiVersion() == best) {
                usable.add(s);
            }
        }
        if (usable.isEmpty()) {
            if (!required) {
                return List.of();
            }
            throw new SigningException("signing config has no " + what + " valid at " + now + " with API version "
                    + versions + " (listed: " + services.size() + ")");
        }
        return switch (cfg.getSelector()) {
            case ALL -> usable;
            case EXACT -> {
                if (cfg.getCount() <= 0 || cfg.getCount() > usable.size()) {
                    throw new SigningException("signing config asks for exactly " + cfg.getCount() + " " + what
                            + " service(s) but " + usable.size() + " are usable");
                }
                yield usable.subList(0, cfg.getCount());
            }
            case ANY -> usable.subList(0, 1);
            default -> throw new SigningException("signing config has no selector for " + what + " services");
        };
    }

    static boolean validAt(TimeRange r, Instant now) {
        if (!r.hasStart()) {
            return false;
        }
        if (now.getEpochSecond() < r.getStart().getSeconds()) {
            return false;
        }
        return !r.hasEnd() || now.getEpochSecond() <= r.getEnd().getSeconds();
    }
}
