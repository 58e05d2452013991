/**
 * Secrets at rest: key and password files created readable by their owner only, atomically.
 *
 * <p>Source: POSIX {@code open(2)} ({@code O_CREAT|O_EXCL} with a mode: the file never exists with wider
 * permissions; the umask can only remove bits) and {@code rename(2)} (atomic replacement within a file system).
 */
package dev.sigstack.core.secrets;
