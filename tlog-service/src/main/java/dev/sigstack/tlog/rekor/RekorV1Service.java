package dev.sigstack.tlog.rekor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.rekor.CanonicalEntry;
import dev.sigstack.core.rekor.EntryUuid;
import dev.sigstack.core.rekor.ProposedEntries;
import dev.sigstack.core.rekor.ProposedEntryException;
import dev.sigstack.core.rekor.PublicKeyMaterial;
import dev.sigstack.core.rekor.SignedEntryTimestamp;
import dev.sigstack.tlog.DuplicateEntryException;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.PushbackException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The Rekor v1 REST API ({@code sigstore/rekor} {@code openapi.yaml}) over one {@link LogEngine}.
 *
 * <p>The engine's checkpoint is served as is. For Rekor v1 clients it should be Rekor's form: origin
 * {@code "<hostname> - <treeID>"}, one signature named {@code <hostname>} (no port) with key hint
 * SHA-256(DER public key)[0:4]. sigstore-go treats a checkpoint whose origin lacks the {@code " - <treeID>"} suffix
 * as a Rekor v2 one and recomputes a v2 leaf hash, which a v1 entry cannot match.
 */
public final class RekorV1Service implements HttpService {
    static final int MAX_SEARCH_QUERIES = 10;
    private static final HeaderName X_ACCEL_EXPIRES = HeaderNames.create("X-Accel-Expires");
    private static final Set<String> PKI_FORMATS = Set.of("pgp", "x509", "minisign", "ssh", "tuf");
    private static final int MAX_SUBJECT_CHARS = 512;
    private static final Pattern ENTRY_UUID = Pattern.compile("^([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$");
    private static final Pattern HASH_QUERY =
            Pattern.compile("^(sha512:)?[0-9a-fA-F]{128}$|^(sha256:)?[0-9a-fA-F]{64}$|^(sha1:)?[0-9a-fA-F]{40}$");

    private final LogEngine engine;
    private final KeyPair logKey;
    private final byte[] logId;
    private final long treeId;
    private final RekorLimits limits;

    /**
     * @param engine the log
     * @param logKey the log's key pair: it signs SignedEntryTimestamps (ECDSA: sigstore-go verifies SETs with ECDSA only)
     * @param treeId the tree ID in entry UUIDs (16 hex digits) and in {@code /api/v1/log}'s {@code treeID}
     * @param limits request limits
     */
    public RekorV1Service(LogEngine engine, KeyPair logKey, long treeId, RekorLimits limits) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.logKey = Objects.requireNonNull(logKey, "logKey");
        this.logId = SignedEntryTimestamp.logId(logKey.getPublic());
        this.treeId = treeId;
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** The log ID: SHA-256 of the DER public key (the {@code logId.keyId} a trusted root lists). */
    public byte[] logId() {
        return logId.clone();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/v1/log/entries", ApiError.guard(this::create))
                .get("/api/v1/log/entries", noCache(ApiError.guard(this::byIndex)))
                .post("/api/v1/log/entries/retrieve", ApiError.guard(this::retrieve))
                .get("/api/v1/log/entries/{uuid}", noCache(ApiError.guard(this::byUuid)))
                .post("/api/v1/index/retrieve", ApiError.guard(this::searchIndex))
                .get("/api/v1/log", noCache(ApiError.guard(this::logInfo)))
                .get("/api/v1/log/proof", noCache(ApiError.guard(this::consistencyProof)))
                .get("/api/v1/log/publicKey", noCache(ApiError.guard(this::publicKey)))
                // Rekor's chi middleware.Heartbeat("/ping"): what its probes and load balancers check
                .get("/ping", RekorV1Service::heartbeat)
                .head("/ping", RekorV1Service::heartbeat);
    }

    private static void heartbeat(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/plain");
        res.send(".".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Rekor wraps its GET routes in chi's {@code middleware.NoCache} (configure_rekor_server.go): a caching proxy in
     * front of the log must not answer with a stale tree head, proof or not-found. Values as chi v5.3.1 sets them.
     */
    private static Handler noCache(Handler h) {
        return (req, res) -> {
            res.header(HeaderNames.CACHE_CONTROL, "no-cache, no-store, no-transform, must-revalidate, private, max-age=0");
            res.header(HeaderNames.EXPIRES, "Thu, 01 Jan 1970 00:00:00 GMT");
            res.header(HeaderNames.PRAGMA, "no-cache");
            res.header(X_ACCEL_EXPIRES, "0");
            h.handle(req, res);
        };
    }

    private void create(ServerRequest req, ServerResponse res) throws Exception {
        CanonicalEntry entry;
        try {
            entry = ProposedEntries.canonicalize(Bodies.read(req, limits.maxRequestBytes()));
        } catch (ProposedEntryException e) {
            throw ApiError.of(e);
        }
        byte[] leafHash = entry.leafHash();
        String entryId = EntryUuid.format(treeId, leafHash);
        String location = req.path().path() + "/" + entryId;
        LogEngine.Sequenced seq;
        try {
            seq = engine.add(new LogEngine.NewEntry(entry.body(), leafHash, entry.indexKeys(), null));
        } catch (DuplicateEntryException e) {
            throw new ApiError(409, "an equivalent entry already exists in the transparency log with UUID " + entryId)
                    .header("Location", location);
        } catch (PushbackException e) {
            throw new ApiError(503, e.getMessage())
                    .header("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
        } catch (IllegalArgumentException e) {
            throw new ApiError(413, "entry is too large for the log: " + e.getMessage());
        }
        LogEngine.PublishedCheckpoint cp = awaitIntegrated(seq.index());
        ObjectNode body = logEntry(entryId, entry.body(), seq.index(), seq.integratedTimeMillis(), cp);
        res.status(Status.CREATED_201);
        res.header(HeaderNames.ETAG, entryId);
        res.header(HeaderNames.LOCATION, location);
        sendJson(res, body);
    }

    private void byIndex(ServerRequest req, ServerResponse res) throws Exception {
        if (!req.query().contains("logIndex")) {
            throw ApiError.unprocessable("logIndex in query is required");
        }
        long index;
        try {
            index = Long.parseLong(req.query().get("logIndex"));
        } catch (NumberFormatException e) {
            throw ApiError.unprocessable("logIndex in query must be of type int64: \"" + req.query().get("logIndex") + "\"");
        }
        if (index < 0) {
            throw ApiError.unprocessable("logIndex in query should be greater than or equal to 0");
        }
        sendJson(res, entryAt(index).orElseThrow(ApiError::notFound));
    }

    private void byUuid(ServerRequest req, ServerResponse res) throws Exception {
        String id = req.path().pathParameters().get("uuid");
        EntryUuid uuid;
        try {
            uuid = EntryUuid.parse(id);
        } catch (IllegalArgumentException e) {
            throw ApiError.unprocessable("entryUUID in path should match '^([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$'");
        }
        sendJson(res, entryByUuid(uuid).orElseThrow(ApiError::notFound));
    }

    private void retrieve(ServerRequest req, ServerResponse res) throws Exception {
        JsonNode query = readJson(req);
        JsonNode uuids = searchArray(query, "entryUUIDs");
        JsonNode indexes = searchArray(query, "logIndexes");
        JsonNode entries = searchArray(query, "entries");
        // models.SearchLogQuery: decoding failures are go-swagger's 400, its Validate (openapi.yaml) 422
        for (int i = 0; i < uuids.size(); i++) {
            if (!uuids.get(i).isTextual()) {
                throw searchParseError("entryUUIDs." + i + " is not a string");
            }
            if (!ENTRY_UUID.matcher(uuids.get(i).asText()).matches()) {
                throw ApiError.unprocessable("entryUUIDs." + i + " in body should match '" + ENTRY_UUID.pattern() + "'");
            }
        }
        for (int i = 0; i < indexes.size(); i++) {
            if (!indexes.get(i).isIntegralNumber() || !indexes.get(i).canConvertToLong()) {
                throw searchParseError("logIndexes." + i + " is not an int64");
            }
            if (indexes.get(i).asLong() < 0) {
                throw ApiError.unprocessable("logIndexes." + i + " in body should be greater than or equal to 0");
            }
        }
        int total = uuids.size() + indexes.size() + entries.size();
        if (total > MAX_SEARCH_QUERIES) {
            throw ApiError.unprocessable("more than max allowed " + MAX_SEARCH_QUERIES + " entries in request");
        }
        ArrayNode out = ApiError.JSON.createArrayNode();
        for (JsonNode u : uuids) {
            EntryUuid uuid;
            try {
                uuid = EntryUuid.parse(u.asText());
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("invalid uuid " + u.asText());
            }
            entryByUuid(uuid).ifPresent(out::add);
        }
        for (JsonNode e : entries) {
            CanonicalEntry c;
            try {
                c = ProposedEntries.canonicalize(e);
            } catch (ProposedEntryException ex) {
                throw ApiError.badRequest(ex.getMessage());
            }
            entryByUuid(new EntryUuid(Optional.empty(), c.leafHash())).ifPresent(out::add);
        }
        for (JsonNode i : indexes) {
            entryAt(i.asLong()).ifPresent(out::add);
        }
        sendJson(res, out);
    }

    private static boolean absent(JsonNode n) {
        return n.isMissingNode() || n.isNull();
    }

    private static boolean absentOrText(JsonNode n) {
        return absent(n) || n.isTextual();
    }

    /** An optional array of a search query, at most {@link #MAX_SEARCH_QUERIES} long (openapi.yaml maxItems). */
    private static JsonNode searchArray(JsonNode query, String name) throws ApiError {
        JsonNode n = query.path(name);
        if (absent(n)) {
            return ApiError.JSON.createArrayNode();
        }
        if (!n.isArray()) {
            throw searchParseError(name + " is not an array");
        }
        if (n.isEmpty()) { // openapi.yaml minItems: 1
            throw ApiError.unprocessable(name + " in body should have at least 1 items");
        }
        if (n.size() > MAX_SEARCH_QUERIES) {
            throw ApiError.unprocessable(name + " in body should have at most " + MAX_SEARCH_QUERIES + " items");
        }
        return n;
    }

    private static ApiError searchParseError(String reason) {
        return ApiError.badRequest("parsing entry body from \"\" failed, because " + reason);
    }

    private void searchIndex(ServerRequest req, ServerResponse res) throws Exception {
        JsonNode query = readJson(req);
        // models.SearchIndex: a field of another JSON type fails decoding, go-swagger's 400
        for (String field : List.of("email", "subject", "hash", "operator")) {
            if (!absentOrText(query.path(field))) {
                throw ApiError.badRequest("parsing query body from \"\" failed, because " + field + " is not a string");
            }
        }
        JsonNode pk = query.path("publicKey");
        if (!absent(pk) && (!pk.isObject() || !absentOrText(pk.path("format")) || !absentOrText(pk.path("content")))) {
            throw ApiError.badRequest("parsing query body from \"\" failed, because publicKey is not {format, content} strings");
        }
        String operator = query.path("operator").asText("or");
        if (operator.isEmpty()) {
            operator = "or";
        }
        if (!operator.equals("or") && !operator.equals("and")) {
            throw ApiError.unprocessable("operator in body should be one of [and or]");
        }
        List<String> keys = new ArrayList<>();
        String hash = query.path("hash").asText("");
        if (!hash.isEmpty()) {
            if (!HASH_QUERY.matcher(hash).matches()) {
                throw ApiError.unprocessable("hash in body should match '" + HASH_QUERY.pattern() + "'");
            }
            keys.add(prefixSha(hash).toLowerCase(Locale.ROOT));
        }
        JsonNode publicKey = query.path("publicKey");
        if (!absent(publicKey)) {
            String format = publicKey.path("format").asText("");
            // models.SearchIndex Validate (openapi.yaml): required and an enum, go-swagger's 422
            if (absent(publicKey.path("format"))) {
                throw ApiError.unprocessable("publicKey.format in body is required");
            }
            if (!PKI_FORMATS.contains(format)) {
                throw ApiError.unprocessable("publicKey.format in body should be one of [pgp x509 minisign ssh tuf]");
            }
            // the log only indexes x509 keys (hashedrekord, dsse, intoto); Rekor's other formats are refused
            if (!format.equals("x509")) {
                throw ApiError.badRequest("the PKI format requested is not supported by this server");
            }
            try {
                byte[] pem = Base64.getDecoder().decode(publicKey.path("content").asText(""));
                PublicKeyMaterial key = PublicKeyMaterial.parsePem(pem);
                keys.add(HexFormat.of().formatHex(PublicKeyMaterial.HashAlgorithm.SHA256.digest(key.canonicalPem())));
            } catch (IllegalArgumentException | ProposedEntryException e) {
                throw ApiError.badRequest("public key provided could not be parsed");
            }
        }
        String email = query.path("email").asText("");
        if (!email.isEmpty()) {
            keys.add(email.toLowerCase(Locale.ROOT));
        }
        String subject = query.path("subject").asText("");
        if (subject.codePointCount(0, subject.length()) > MAX_SUBJECT_CHARS) {
            throw ApiError.unprocessable("subject in body should be at most " + MAX_SUBJECT_CHARS + " chars long");
        }
        if (!subject.isEmpty()) {
            keys.add(subject.toLowerCase(Locale.ROOT));
        }
        Set<Long> result = null;
        for (String key : keys) {
            // a key the log never stores (LogEngine.indexableKeys) has no hits, and is not sent to the store:
            // PostgreSQL refuses U+0000 in a parameter, and a megabyte-long key is a megabyte-long query
            Set<Long> hits = LogEngine.indexableKeys(List.of(key)).isEmpty() ? new TreeSet<>()
                    : new TreeSet<>(engine.search(key, limits.maxSearchResults()));
            if (result == null) {
                result = hits;
            } else if (operator.equals("and")) {
                result.retainAll(hits);
            } else {
                result.addAll(hits);
            }
        }
        ArrayNode out = ApiError.JSON.createArrayNode();
        Set<String> seen = new LinkedHashSet<>();
        if (result != null) {
            for (long index : result) {
                if (seen.size() >= limits.maxSearchResults()) {
                    break;
                }
                engine.entry(index).ifPresent(e -> seen.add(EntryUuid.format(treeId, leafHash(e.leafData()))));
            }
        }
        seen.forEach(out::add);
        sendJson(res, out);
    }

    private void logInfo(ServerRequest req, ServerResponse res) throws Exception {
        LogEngine.PublishedCheckpoint cp = engine.checkpoint();
        ObjectNode o = ApiError.JSON.createObjectNode();
        o.put("rootHash", HexFormat.of().formatHex(cp.rootHash()));
        o.put("signedTreeHead", cp.signedNote());
        o.put("treeID", Long.toString(treeId));
        o.put("treeSize", cp.size());
        sendJson(res, o);
    }

    private void consistencyProof(ServerRequest req, ServerResponse res) throws Exception {
        long first = queryLong(req, "firstSize", 1);
        if (!req.query().contains("lastSize")) {
            throw ApiError.unprocessable("lastSize in query is required");
        }
        long last = queryLong(req, "lastSize", 0);
        if (first < 1) {
            throw ApiError.unprocessable("firstSize in query should be greater than or equal to 1");
        }
        if (last < 1) {
            throw ApiError.unprocessable("lastSize in query should be greater than or equal to 1");
        }
        if (first > last) {
            throw ApiError.badRequest("firstSize(" + first + ") must be less than lastSize(" + last + ")");
        }
        Optional<String> tree = treeIdQuery(req);
        if (tree.isPresent()) {
            long id = parseTreeId(tree.get()).orElseThrow(
                    () -> ApiError.badRequest("invalid tree ID specified: " + tree.get()));
            if (id != treeId) {
                throw ApiError.badRequest("no log range found for tree ID " + id); // sharding.GetLogRangeByTreeID
            }
        }
        LogEngine.PublishedCheckpoint cp = engine.checkpoint();
        if (last > cp.size()) {
            throw ApiError.badRequest("the tree size requested(" + last + ") was greater than what is currently observable("
                    + cp.size() + ")");
        }
        ObjectNode o = ApiError.JSON.createObjectNode();
        // Rekor answers with the latest root it read alongside the proof
        o.put("rootHash", HexFormat.of().formatHex(cp.rootHash()));
        ArrayNode hashes = o.putArray("hashes");
        if (first < last) {
            for (byte[] h : engine.consistencyProof(first, last)) {
                hashes.add(HexFormat.of().formatHex(h));
            }
        }
        sendJson(res, o);
    }

    private void publicKey(ServerRequest req, ServerResponse res) throws ApiError {
        Optional<String> tree = treeIdQuery(req);
        // pkg/api/public_key.go: an unparsable or unknown tree is 400 with an empty message, i.e. StatusText
        if (tree.isPresent() && parseTreeId(tree.get()).filter(id -> id == treeId).isEmpty()) {
            throw ApiError.badRequest("Bad Request");
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/x-pem-file");
        res.send(PublicKeyMaterial.pem("PUBLIC KEY", logKey.getPublic().getEncoded()).getBytes(StandardCharsets.US_ASCII));
    }

    // --- helpers ---

    private Optional<ObjectNode> entryAt(long index) throws InterruptedException {
        Optional<LogEngine.StoredEntry> stored = engine.entry(index);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        LogEngine.StoredEntry e = stored.get();
        String entryId = EntryUuid.format(treeId, leafHash(e.leafData()));
        LogEngine.PublishedCheckpoint cp = engine.checkpoint();
        if (cp.size() <= index) {
            cp = awaitIntegrated(index);
        }
        return Optional.of(logEntry(entryId, e.leafData(), index, e.integratedTimeMillis(), cp));
    }

    private Optional<ObjectNode> entryByUuid(EntryUuid uuid) throws InterruptedException {
        if (uuid.treeId().isPresent() && uuid.treeId().get() != treeId) {
            return Optional.empty();
        }
        Optional<Long> index = engine.indexOfDedupKey(uuid.leafHash());
        if (index.isEmpty()) {
            return Optional.empty();
        }
        Optional<ObjectNode> entry = entryAt(index.get());
        // the dedup key is the leaf hash; make sure the stored leaf agrees before answering for this UUID
        if (entry.isPresent() && !Arrays.equals(leafHash(engine.entry(index.get()).orElseThrow().leafData()), uuid.leafHash())) {
            return Optional.empty();
        }
        return entry;
    }

    /**
     * The checkpoint that covers {@code index}, or, when integration takes longer than the configured wait, the
     * latest one: the entry is durable, and it is answered with its SET but without an inclusion proof.
     */
    private LogEngine.PublishedCheckpoint awaitIntegrated(long index) throws InterruptedException {
        try {
            return engine.awaitIntegrated(index, limits.integrationTimeout());
        } catch (IllegalStateException e) {
            return engine.checkpoint();
        }
    }

    /** Rekor's LogEntry: {@code {"<entryID>": {body, integratedTime, logID, logIndex, verification}}}. */
    private ObjectNode logEntry(String entryId, byte[] body, long index, long integratedTimeMillis,
            LogEngine.PublishedCheckpoint cp) {
        long integratedTime = Math.floorDiv(integratedTimeMillis, 1000);
        ObjectNode anon = ApiError.JSON.createObjectNode();
        anon.put("body", Base64.getEncoder().encodeToString(body));
        anon.put("integratedTime", integratedTime);
        anon.put("logID", HexFormat.of().formatHex(logId));
        anon.put("logIndex", index);
        ObjectNode verification = anon.putObject("verification");
        if (cp != null && cp.size() > index) {
            ObjectNode proof = verification.putObject("inclusionProof");
            proof.put("checkpoint", cp.signedNote());
            ArrayNode hashes = proof.putArray("hashes");
            for (byte[] h : engine.inclusionProof(index, cp.size())) {
                hashes.add(HexFormat.of().formatHex(h));
            }
            proof.put("logIndex", index);
            proof.put("rootHash", HexFormat.of().formatHex(cp.rootHash()));
            proof.put("treeSize", cp.size());
        }
        verification.put("signedEntryTimestamp", Base64.getEncoder().encodeToString(
                SignedEntryTimestamp.sign(logKey.getPrivate(), body, integratedTime, logId, index)));
        ObjectNode out = ApiError.JSON.createObjectNode();
        out.set(entryId, anon);
        return out;
    }

    private JsonNode readJson(ServerRequest req) throws ApiError {
        byte[] body = Bodies.read(req, limits.maxRequestBytes());
        try {
            JsonNode n = ApiError.JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw ApiError.badRequest("parsing body body from \"\" failed, because the body is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw ApiError.badRequest("parsing body body from \"\" failed, because " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static long queryLong(ServerRequest req, String name, long dflt) throws ApiError {
        if (!req.query().contains(name)) {
            return dflt;
        }
        try {
            return Long.parseLong(req.query().get(name));
        } catch (NumberFormatException e) {
            throw ApiError.unprocessable(name + " in query must be of type int64: \"" + req.query().get(name) + "\"");
        }
    }

    /**
     * The optional {@code treeID} query parameter; empty counts as absent (go-swagger skips validating empty values)
     * and anything but digits is go-swagger's 422 for the {@code '^[0-9]+$'} pattern in openapi.yaml.
     */
    private static Optional<String> treeIdQuery(ServerRequest req) throws ApiError {
        String tree = req.query().first("treeID").orElse("");
        if (tree.isEmpty()) {
            return Optional.empty();
        }
        if (!tree.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ApiError.unprocessable("treeID in query should match '^[0-9]+$'");
        }
        return Optional.of(tree);
    }

    /** Go's {@code strconv.ParseInt(s, 10, 64)} over digits: empty when it overflows. */
    private static Optional<Long> parseTreeId(String digits) {
        try {
            return Optional.of(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Rekor's {@code util.PrefixSHA}: a bare hex digest gets the algorithm its length implies. */
    static String prefixSha(String hash) {
        if (hash.contains(":")) {
            return hash;
        }
        return switch (hash.length()) {
            case 40 -> "sha1:" + hash;
            case 96 -> "sha384:" + hash;
            case 128 -> "sha512:" + hash;
            default -> "sha256:" + hash;
        };
    }

    private static byte[] leafHash(byte[] leaf) {
        return dev.sigstack.core.merkle.Rfc6962.leafHash(leaf);
    }

    static void sendJson(ServerResponse res, JsonNode body) {
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        try {
            res.send(ApiError.JSON.writeValueAsBytes(body)); // UTF-8 bytes directly, no String in between
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("serializing a JSON tree failed", e);
        }
    }
}
