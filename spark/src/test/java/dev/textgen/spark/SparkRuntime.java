package dev.textgen.spark;

import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Whether Spark can start on the running JVM, for the tests that start it: the Hadoop of Spark 3.5 and 4.0 asks
 * {@code Subject.getSubject} for the current user when a Spark context starts, which Java 24 and later refuse now
 * that the Security Manager is gone.
 */
final class SparkRuntime {
    /** Why Spark cannot start here, or null when it can. */
    private static final String UNAVAILABLE = unavailable();

    private SparkRuntime() {
    }

    /** Whether a Spark context can start on this JVM. */
    static boolean starts() {
        return UNAVAILABLE == null;
    }

    /** Skips the calling test, saying why, when a Spark context cannot start on this JVM. */
    static void assumeSparkStarts() {
        Assumptions.assumeTrue(UNAVAILABLE == null, UNAVAILABLE);
    }

    private static String unavailable() {
        try {
            UserGroupInformation.getCurrentUser();
            return null;
        } catch (UnsupportedOperationException e) {
            return "SKIPPED: Spark cannot start on Java " + Runtime.version().feature()
                    + ": its Hadoop's UserGroupInformation calls Subject.getSubject (\"" + e.getMessage()
                    + "\"); run the spark module's tests on Java 17 or 21";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
