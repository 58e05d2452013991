package dev.sigstack.ca.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Go's url.Parse(s).String() for the inputs Fulcio's principals build (expected strings follow Go 1.22
 * net/url: EscapedPath keeps a valid RawPath, else escapes the whole path; the query is kept raw).
 */
class GoUrlTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://github.com/o/r/.github/workflows/x.yml@refs/heads/main|https://github.com/o/r/.github/workflows/x.yml@refs/heads/main",
        "https://github.com/o/r@refs/heads/ma\u0169n|https://github.com/o/r@refs/heads/ma%C5%A9n",
        "https://x.example/a!b|https://x.example/a!b",
        "https://x.example/a b!|https://x.example/a%20b%21",
        "https://x.example/p?q=\u00e9|https://x.example/p?q=\u00e9",
        "https://x.example/p#fr\u00e4g|https://x.example/p#fr%C3%A4g",
        "https://c\u016Frp.example/x|https://c%C5%AFrp.example/x",
        "spiffe://example.org/ns/a|spiffe://example.org/ns/a"})
    void parse_toString_asGo(String in, String out) throws Exception {
        assertEquals(out, GoUrl.parse(in).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://x.example/%41", "https://x.example/a\nb", "HTTPS://x.example/a", "https://u@x.example/a",
        "https://x.example/a#", "https://x.example:port/a"})
    void checkedString_rewrittenOrAmbiguous_refused(String in) {
        assertThrows(InvalidTokenException.class, () -> GoUrl.parse(in).checkedString(in));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/../b", "a//b", "/a", "a/", "./a", ""})
    void joinPath_claimThatPathJoinWouldClean_refused(String elem) {
        assertThrows(InvalidTokenException.class, () -> GoUrl.parse("https://github.com/").joinPath(List.of(), elem));
    }

    @org.junit.jupiter.api.Test
    void joinPath_asGo() throws Exception {
        assertEquals("https://github.com/o/r/actions/runs/1/attempts/2", GoUrl.parse("https://github.com/")
            .joinPath(List.of("actions/runs", "attempts"), "o/r", "actions/runs", "1", "attempts", "2").toString());
        assertEquals("https://gitlab.com/g/p/-/jobs/9", GoUrl.parse("https://gitlab.com/")
            .joinPath(List.of("-/jobs"), "g/p", "-/jobs", "9").toString());
        assertEquals("https://g.codefresh.io/acct/pipe:A/P", GoUrl.parse("https://g.codefresh.io")
            .joinPath(List.of(), "acct", "pipe:A/P").toString());
    }
}
