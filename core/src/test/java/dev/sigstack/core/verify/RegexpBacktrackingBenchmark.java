package dev.sigstack.core.verify;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Identity regexps with nested quantifiers, against a subject of {@code n} letters {@code a} followed by {@code !}
 * (no match): the verdict through {@link VerificationPolicy.Matcher#regexp} (RE2/J, what the CLI and the gate use)
 * against {@code java.util.regex} (what they used before) in the same run. {@code (a+)+$} is the textbook case; the
 * JDK's own memoization of greedy group loops (Java 9 on) defuses it, but not one level deeper: {@code ((a+)+)+$}
 * took java.util.regex 60 ms at n=14, 660 ms at n=18 and 3.9 s at n=22 on Java 25 here. The baseline's subjects
 * therefore stay short; RE2 also runs on subjects up to 100,000 characters. Each operation compiles and matches, as
 * a verification does.
 *
 * <p>Run: {@code ./mvnw -B -ntp -pl core -am verify -DexcludedGroups= -Dgroups=benchmark
 * -Dtest=RegexpBacktrackingBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}; results in
 * {@code core/target/regexp-benchmark.json} and the test's output.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RegexpBacktrackingBenchmark {

    static String subject(int n) {
        return "a".repeat(n) + "!";
    }

    /** Short subjects, where the backtracking baseline still finishes. */
    @State(Scope.Benchmark)
    public static class Short {
        @Param({"(a+)+$", "((a+)+)+$"})
        public String pattern;
        @Param({"8", "12", "16", "20"})
        public int n;
        public String subject;

        @Setup
        public void setUp() {
            subject = subject(n);
        }
    }

    /** Long subjects, for RE2 only. */
    @State(Scope.Benchmark)
    public static class Long {
        @Param({"(a+)+$", "((a+)+)+$"})
        public String pattern;
        @Param({"1000", "10000", "100000"})
        public int n;
        public String subject;

        @Setup
        public void setUp() {
            subject = subject(n);
        }
    }

    @Benchmark
    public boolean javaUtilRegex_short(Short s) {
        return java.util.regex.Pattern.compile(s.pattern).matcher(s.subject).find();
    }

    @Benchmark
    public boolean re2_short(Short s) {
        return VerificationPolicy.Matcher.regexp(s.pattern).matches(s.subject);
    }

    @Benchmark
    public boolean re2_long(Long s) {
        return VerificationPolicy.Matcher.regexp(s.pattern).matches(s.subject);
    }
}
