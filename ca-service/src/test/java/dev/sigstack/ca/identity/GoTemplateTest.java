package dev.sigstack.ca.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go text/template semantics for the subset Fulcio's ci-provider templates use (expected values per Go's docs). */
class GoTemplateTest {
    private static final Map<String, String> DATA = Map.of("url", "https://g.example", "ref_type", "branch", "ref", "main",
        "a.b/c", "dotted");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{{ .url }}/x|https://g.example/x",
        "{{.url}}|https://g.example",
        "refs/{{if eq .ref_type \"branch\"}}heads/{{ else }}tags/{{end}}{{ .ref }}|refs/heads/main",
        "{{ index . \"a.b/c\" }}|dotted",
        "{{(index . \"a.b/c\")}}|dotted",
        "{{ index . \"missing\" }}|''",
        "a  {{- .ref -}}  b|amainb",
        "{{/* comment */}}x|x",
        "{{if eq (index . \"missing\") \"true\"}}yes{{ else }}\"\"{{end}}|\"\""})
    void execute_supportedSubset_asGo(String template, String expected) throws Exception {
        assertEquals(expected.equals("''") ? "" : expected, GoTemplate.parse(template).execute(DATA));
    }

    @Test
    void execute_missingField_errorAsMissingkeyError() throws Exception {
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> GoTemplate.parse("{{ .nope }}").execute(DATA));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{ printf \"%s\" .url }}", "{{ .url", "{{if eq .a \"b\"}}x", "{{ end }}", "{{ range . }}x{{ end }}",
        "{{ .a.b }}", "{{ index .x \"k\" }}", "{{ $x := 1 }}"})
    void parse_unsupported_refusedAtConfigLoad(String template) {
        assertThrows(InvalidIdentityConfigException.class, () -> GoTemplate.parse(template));
        String yaml = "ci-issuer-metadata:\n  p:\n    subject-alternative-name-template: '" + template.replace("'", "''") + "'\n";
        InvalidIdentityConfigException e = assertThrows(InvalidIdentityConfigException.class,
            () -> IdentityConfig.read(yaml.getBytes(StandardCharsets.UTF_8), null));
        assertTrue(e.getMessage().contains("ci-issuer-metadata p"), e.getMessage());
    }
}
