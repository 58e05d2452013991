package dev.sigstack.core.h2;

import java.util.Locale;

/**
 * Makes an H2 JDBC URL durable for SIGKILL: {@code WRITE_DELAY=0}, so that a commit has written its changes to the
 * file (handed them to the OS) before it returns. With H2's default of 500 ms, a process killed after a commit
 * returned loses up to half a second of acknowledged transactions.
 */
public final class H2Urls {
    private H2Urls() {
    }

    /**
     * {@code jdbcUrl} with {@code ;WRITE_DELAY=0} appended. In-memory URLs ({@code jdbc:h2:mem:}) are returned
     * as they are (nothing to write). A URL that already sets {@code WRITE_DELAY} keeps it only if it is 0.
     *
     * @throws IllegalArgumentException for a URL that is not {@code jdbc:h2:}, or that sets another write delay
     */
    public static String durable(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:h2:")) {
            throw new IllegalArgumentException("not an H2 JDBC URL");
        }
        if (jdbcUrl.startsWith("jdbc:h2:mem:")) {
            return jdbcUrl;
        }
        String[] parts = jdbcUrl.split(";");
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            String key = (eq < 0 ? parts[i] : parts[i].substring(0, eq)).strip().toUpperCase(Locale.ROOT);
            if (key.equals("WRITE_DELAY")) {
                if (eq > 0 && parts[i].substring(eq + 1).strip().equals("0")) {
                    return jdbcUrl;
                }
                throw new IllegalArgumentException("the H2 URL sets " + parts[i].strip() + ": a commit must reach"
                        + " the file before it is acknowledged; remove the setting (WRITE_DELAY=0 is applied)");
            }
        }
        String base = jdbcUrl;
        while (base.endsWith(";")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + ";WRITE_DELAY=0";
    }
}
