package dev.sigstack.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Collection;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/** Launches {@link RegexpBacktrackingBenchmark} under JMH; only with {@code -Dgroups=benchmark -DexcludedGroups=}. */
@Tag("benchmark")
class RegexpBacktrackingBenchmarkTest {

    @Test
    void run() throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(RegexpBacktrackingBenchmark.class.getName() + "\\.")
                .result("target/regexp-benchmark.json")
                .resultFormat(ResultFormatType.JSON)
                .build()).run();
        assertFalse(results.isEmpty(), "JMH ran no benchmark");
        // 2 patterns x (4 short subjects x 2 engines + 3 long subjects x RE2).
        assertEquals(22, results.size());
        for (RunResult r : results) {
            System.out.printf("%-70s %-10s n=%-6s %s%n", r.getParams().getBenchmark(),
                    r.getParams().getParam("pattern"), r.getParams().getParam("n"), r.getPrimaryResult());
        }
    }
}
