package dev.sigstack.tlog.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** The two stores under test: H2 in a temporary folder, and the private PostgreSQL that ./sigstack test starts. */
public final class Databases {
    private Databases() {
    }

    public static String h2(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("tlog").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /** The private PostgreSQL's URL, with a fresh schema per call; skips the test when there is none. */
    public static String postgres() throws SQLException {
        String url = System.getenv("SIGSTACK_PG_URL");
        assumeTrue(url != null && !url.isBlank(),
                "SIGSTACK_PG_URL is not set: run through ./sigstack test, which starts a private PostgreSQL");
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return url + "&currentSchema=" + schema;
    }
}
