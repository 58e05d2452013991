package dev.sigstack.gate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 15 item 3: a policy that names an image matches it however a pod spells it (registry host case, an explicit
 * {@code :443}, a trailing dot, Docker Hub's three hosts, {@code library/}, tag plus digest), and a different image
 * stays unmatched. Each row is (glob, image as the pod writes it, expected match).
 */
class ImageSpellingTest {
    static final String D = "sha256:" + "5".repeat(64);

    static Stream<Arguments> spellings() {
        return Stream.of(
                // registry host case
                Arguments.of("ghcr.io/acme/app:*", "GHCR.IO/acme/app:v1", true),
                Arguments.of("ghcr.io/acme/app:*", "Ghcr.Io/acme/app@" + D, false), // a digest is not a tag
                Arguments.of("ghcr.io/acme/app**", "Ghcr.Io/acme/app@" + D, true),
                Arguments.of("GHCR.io/acme/**", "ghcr.io/acme/app:v1", true),
                Arguments.of("ghcr.io/acme/**", "ghcr.io/other/app:v1", false),
                // explicit :443 and a trailing dot
                Arguments.of("registry.internal/team/**", "registry.internal:443/team/app:v1", true),
                Arguments.of("registry.internal:443/team/**", "registry.internal/team/app:v1", true),
                Arguments.of("registry.internal/team/**", "registry.internal./team/app:v1", true),
                Arguments.of("registry.internal/team/**", "registry.internal:5000/team/app:v1", false),
                Arguments.of("registry.internal/team/**", "registry.internal.evil/team/app:v1", false),
                // Docker Hub's hosts and library/
                Arguments.of("index.docker.io/library/nginx*", "nginx:1.27", true),
                Arguments.of("index.docker.io/library/nginx*", "docker.io/nginx:1.27", true),
                Arguments.of("index.docker.io/library/nginx*", "registry-1.docker.io/library/nginx:1.27", true),
                Arguments.of("index.docker.io/library/nginx*", "DOCKER.IO/library/nginx", true),
                Arguments.of("index.docker.io/library/nginx*", "index.docker.io:443/nginx", true),
                Arguments.of("docker.io/library/nginx*", "nginx", true),
                Arguments.of("docker.io/nginx", "index.docker.io/library/nginx:latest", true),
                Arguments.of("registry-1.docker.io/library/nginx:*", "nginx:1.27", true),
                Arguments.of("docker.io/nginx", "nginx:1.27", true), // the repository, whatever the tag
                Arguments.of("nginx", "docker.io/library/nginx:1.27", true),
                Arguments.of("myuser/myapp", "index.docker.io/myuser/myapp:v2", true),
                Arguments.of("docker.io/library/nginx*", "myuser/nginx", false),
                Arguments.of("docker.io/library/nginx*", "ghcr.io/library/nginx", false),
                Arguments.of("nginx", "nginx-evil", false),
                // tag plus digest: the digest runs, and a policy naming the tag still applies
                Arguments.of("ghcr.io/acme/app:v1", "ghcr.io/acme/app:v1@" + D, true),
                Arguments.of("ghcr.io/acme/app@" + D, "ghcr.io/acme/app:v1@" + D, true),
                Arguments.of("ghcr.io/acme/app@" + D, "GHCR.IO:443/acme/app:whatever@" + D, true),
                Arguments.of("ghcr.io/acme/app:v1", "ghcr.io/acme/app:v2@" + D, false),
                Arguments.of("ghcr.io/acme/app@" + D, "ghcr.io/acme/app@sha256:" + "6".repeat(64), false),
                // a bare repository name matches every tag and digest of it
                Arguments.of("ghcr.io/acme/app", "ghcr.io/acme/app:v1", true),
                Arguments.of("ghcr.io/acme/app", "ghcr.io/acme/app-suffix:v1", false));
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @MethodSource("spellings")
    void matches_spelling_asNamed(String glob, String image, boolean match) {
        assertEquals(match, ImageGlob.compile(glob).matches(image), glob + " ~ " + image);
    }

    static Stream<Arguments> names() {
        return Stream.of(
                Arguments.of("GHCR.IO/acme/app:v1", "ghcr.io/acme/app:v1"),
                Arguments.of("ghcr.io:443/acme/app:v1", "ghcr.io/acme/app:v1"),
                Arguments.of("ghcr.io./acme/app", "ghcr.io/acme/app:latest"),
                Arguments.of("registry-1.docker.io/nginx", "index.docker.io/library/nginx:latest"),
                Arguments.of("docker.io:443/nginx", "index.docker.io/library/nginx:latest"),
                Arguments.of("Index.Docker.IO/me/app", "index.docker.io/me/app:latest"),
                Arguments.of("localhost:5000/a", "localhost:5000/a:latest"),
                Arguments.of("registry.local:8443/a", "registry.local:8443/a:latest"),
                Arguments.of("ghcr.io/acme/app:v1@" + D, "ghcr.io/acme/app@" + D));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("names")
    void parse_spelling_oneName(String image, String name) {
        assertEquals(name, ImageReference.parse(image).name());
    }
}
