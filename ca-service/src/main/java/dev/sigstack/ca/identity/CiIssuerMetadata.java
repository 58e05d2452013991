package dev.sigstack.ca.identity;

import java.util.Map;

/**
 * {@code CIIssuerMetadata} of Fulcio's config for {@code ci-provider} issuers.
 *
 * @param defaultTemplateValues values used when a claim is absent
 * @param extensionTemplates    Fulcio extension field name (e.g. {@code BuildSignerURI}) to a template or claim name
 * @param sanTemplate           template of the URI SAN
 */
public record CiIssuerMetadata(Map<String, String> defaultTemplateValues, Map<String, String> extensionTemplates,
                               String sanTemplate) {
    public CiIssuerMetadata {
        defaultTemplateValues = defaultTemplateValues == null ? Map.of() : Map.copyOf(defaultTemplateValues);
        extensionTemplates = extensionTemplates == null ? Map.of() : Map.copyOf(extensionTemplates);
    }
}
