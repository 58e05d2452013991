/**
 * Strict reading of the files a person writes (site.yaml, allowlists, values): every key is known, or the file is
 * refused with its name, the line, the key and the closest known key. No spec: the convention of kubectl's strict
 * field validation ("unknown field") and picocli's "Did you mean".
 */
package dev.sigstack.core.config;
