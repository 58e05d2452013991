/**
 * Logging for every sigstack process, on java.util.logging (the JDK's, which Helidon writes to; SLF4J libraries such
 * as HikariCP and fabric8 reach it through slf4j-jdk14). No spec: one configuration point, {@link
 * dev.sigstack.core.logging.Logs#configure}, with a short text line for people (time, level, logger, message; no
 * thread names) or one JSON object per line for log shippers, and a level, chosen by flag or environment.
 */
package dev.sigstack.core.logging;
