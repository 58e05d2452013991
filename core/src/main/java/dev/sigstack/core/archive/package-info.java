/**
 * Gzip-compressed tar archives (POSIX.1-1988 ustar, with pax {@code path} records and GNU long
 * names read), as policy-controller's {@code TrustRoot.spec.repository.mirrorFS} carries a TUF
 * repository. The reader refuses hostile archives: paths with {@code ..} or absolute paths, links
 * and special files, duplicate entries, and entries or totals over a limit.
 *
 * <p>Format: IEEE Std 1003.1-2017, {@code pax} utility, "ustar Interchange Format".
 */
package dev.sigstack.core.archive;
