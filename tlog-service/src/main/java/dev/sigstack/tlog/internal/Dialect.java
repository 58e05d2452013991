package dev.sigstack.tlog.internal;

/** The SQL differences between the two supported stores. */
enum Dialect {
    H2("VARBINARY", "CLOB",
            "MERGE INTO tiles (log, level, idx, data) KEY (log, level, idx) VALUES (?, ?, ?, ?)"),
    POSTGRES("BYTEA", "TEXT",
            "INSERT INTO tiles (log, level, idx, data) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (log, level, idx) DO UPDATE SET data = EXCLUDED.data");

    final String bytesType;
    final String textType;
    final String upsertTile;

    Dialect(String bytesType, String textType, String upsertTile) {
        this.bytesType = bytesType;
        this.textType = textType;
        this.upsertTile = upsertTile;
    }

    static Dialect ofJdbcUrl(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRES;
        }
        throw new IllegalArgumentException("unsupported database URL (use jdbc:h2: or jdbc:postgresql:)");
    }
}
