package dev.sigstack.gate.admission;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** The gate's Prometheus metrics, in the text exposition format. */
public final class GateMetrics {
    private static final double[] BUCKETS = {0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
    /** Counters by path, then by result (two lookups, no key built per request). */
    private final Map<String, Map<String, LongAdder>> decisions = new ConcurrentHashMap<>();
    private final LongAdder[] latencyBuckets = new LongAdder[BUCKETS.length];
    private final LongAdder latencyCount = new LongAdder();
    private final AtomicLong latencyNanos = new AtomicLong();
    private final LongAdder breakGlass = new LongAdder();
    private final LongAdder internalErrors = new LongAdder();
    private volatile LongSupplier cacheHits = () -> 0;
    private volatile LongSupplier verifications = () -> 0;

    public GateMetrics() {
        for (int i = 0; i < BUCKETS.length; i++) {
            latencyBuckets[i] = new LongAdder();
        }
    }

    /** Wires the engine's counters. */
    public void engineCounters(LongSupplier hits, LongSupplier runs) {
        this.cacheHits = hits;
        this.verifications = runs;
    }

    /** One decision: path (validate/mutate), result (allowed/denied/warned/skipped/error), duration. */
    public void decision(String path, String result, long nanos) {
        decisions.computeIfAbsent(path, p -> new ConcurrentHashMap<>()).computeIfAbsent(result, r -> new LongAdder())
                .increment();
        double s = nanos / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (s <= BUCKETS[i]) {
                latencyBuckets[i].increment();
            }
        }
        latencyCount.increment();
        latencyNanos.addAndGet(nanos);
    }

    /** A pod admitted in a break-glass namespace. */
    public void breakGlass() {
        breakGlass.increment();
    }

    /** A request that failed closed on an internal error. */
    public void internalError() {
        internalErrors.increment();
    }

    /** Decisions counted so far for a path and result. */
    public long decisions(String path, String result) {
        LongAdder a = decisions.getOrDefault(path, Map.of()).get(result);
        return a == null ? 0 : a.sum();
    }

    /** Break-glass admissions so far. */
    public long breakGlassCount() {
        return breakGlass.sum();
    }

    /** Prometheus text format 0.0.4. */
    public String scrape() {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP sigstack_gate_decisions_total Admission decisions.\n");
        sb.append("# TYPE sigstack_gate_decisions_total counter\n");
        new TreeMap<>(decisions).forEach((path, results) -> new TreeMap<>(results).forEach((result, n) ->
                sb.append("sigstack_gate_decisions_total{path=\"").append(path).append("\",result=\"").append(result)
                        .append("\"} ").append(n.sum()).append('\n')));
        sb.append("# HELP sigstack_gate_decision_seconds Admission decision latency.\n");
        sb.append("# TYPE sigstack_gate_decision_seconds histogram\n");
        for (int i = 0; i < BUCKETS.length; i++) {
            sb.append("sigstack_gate_decision_seconds_bucket{le=\"").append(BUCKETS[i]).append("\"} ")
                    .append(latencyBuckets[i].sum()).append('\n');
        }
        sb.append("sigstack_gate_decision_seconds_bucket{le=\"+Inf\"} ").append(latencyCount.sum()).append('\n');
        sb.append("sigstack_gate_decision_seconds_sum ").append(latencyNanos.get() / 1e9).append('\n');
        sb.append("sigstack_gate_decision_seconds_count ").append(latencyCount.sum()).append('\n');
        counter(sb, "sigstack_gate_cache_hits_total", "Policy outcomes served from the cache.", cacheHits.getAsLong());
        counter(sb, "sigstack_gate_verifications_total", "Policy verifications run.", verifications.getAsLong());
        counter(sb, "sigstack_gate_break_glass_total", "Pods admitted in break-glass namespaces.", breakGlass.sum());
        counter(sb, "sigstack_gate_internal_errors_total", "Requests refused on an internal error (fail closed).",
                internalErrors.sum());
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n");
        sb.append(name).append(' ').append(v).append('\n');
    }
}
