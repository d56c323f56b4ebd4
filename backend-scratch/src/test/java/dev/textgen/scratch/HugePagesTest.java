package dev.textgen.scratch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class HugePagesTest {
    @TempDir
    Path dir;

    private Path setting(String content) throws IOException {
        return Files.writeString(dir.resolve("enabled"), content);
    }

    @Test
    void advisesTheFlagWhenTheKernelGivesHugePagesOnRequestAndTheJvmDoesNotAsk() throws IOException {
        Path setting = setting("always [madvise] never\n");
        assertThat(HugePages.advice(setting, () -> false)).hasValueSatisfying(message -> assertThat(message)
                .contains("-XX:+UseTransparentHugePages", setting.toString(), "always [madvise] never")
                .doesNotContain("\n"));
    }

    @Test
    void saysNothingWhenTheJvmAsksOrCannotBenefit() throws IOException {
        assertThat(HugePages.advice(setting("always [madvise] never\n"), () -> true)).isEmpty();
        assertThat(HugePages.advice(setting("[always] madvise never\n"), HugePagesTest::unasked)).as("every process gets them")
                .isEmpty();
        assertThat(HugePages.advice(setting("always madvise [never]\n"), HugePagesTest::unasked)).as("no process gets them")
                .isEmpty();
        assertThat(HugePages.advice(dir.resolve("missing"), HugePagesTest::unasked)).as("not Linux").isEmpty();
    }

    /** Where the mode settles it, the JVM is not asked. */
    private static boolean unasked() {
        throw new AssertionError("the JVM's flag was read although the kernel's mode settles the advice");
    }

    @Test
    void readsTheJvmsOwnFlag() {
        // the test JVM runs without the flag unless textgen.test.jvmArgs adds it
        boolean asked = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
                .contains(HugePages.FLAG);
        assertThat(HugePages.jvmAsks()).isEqualTo(asked);
    }
}
