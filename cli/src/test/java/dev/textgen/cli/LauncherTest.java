package dev.textgen.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ./textgen} launcher script, run as a user runs it: a checkout laid out as a build leaves it
 * ({@code cli/target/textgen-cli-*.jar} and {@code cli/target/lib/}), made from this test's class path.
 * Its stderr carries textgen's own lines only: not the JVM's notice about the incubator module it adds.
 */
class LauncherTest {
    /** Not a {@code @TempDir}: lib/ links the class path's jars, and only links are deleted afterwards. */
    private static Path root;

    @BeforeAll
    static void layOutABuiltCheckout() throws Exception {
        root = Files.createTempDirectory("textgen-launcher");
        Path script = Path.of("").toAbsolutePath().getParent().resolve("textgen");
        assertThat(script).as("the launcher beside the cli module").isRegularFile();
        Files.copy(script, root.resolve("textgen"));
        Path lib = Files.createDirectories(root.resolve("cli/target/lib"));
        Path cliClasses = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        jar(cliClasses, root.resolve("cli/target/textgen-cli-0.jar"));
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (path.equals(cliClasses) || path.endsWith("test-classes")) {
                continue;
            }
            Path target = lib.resolve(n++ + "-" + path.getFileName() + (Files.isDirectory(path) ? ".jar" : ""));
            if (Files.isDirectory(path)) {
                jar(path, target);
            } else if (path.toString().endsWith(".jar")) {
                Files.createSymbolicLink(target, path);
            }
        }
    }

    @AfterAll
    static void deleteTheCheckout() throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }

    @Test
    void stderrHoldsNoJvmNoticeAndTheExitCodePassesThrough() throws Exception {
        String model = TrainedModel.model();

        Run generated = launch("generate", "--model", model, "--prompt", "the cat", "--length", "12", "--seed", "5");
        Run failed = launch("generate", "--model", model, "--prompt", "€", "--length", "5");
        Run verbose = launch("generate", "--model", model, "--prompt", "the cat", "--length", "12", "--verbose");

        assertThat(generated.code()).as(generated.err()).isZero();
        assertThat(generated.err()).isEmpty();
        assertThat(generated.out()).isEqualTo(Cli.run("generate", "--model", model, "--prompt", "the cat", "--length", "12",
                "--seed", "5").out());
        assertThat(failed.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(failed.out()).isEmpty();
        assertThat(failed.err().lines()).singleElement().asString()
                .startsWith("textgen generate: error: 1 character(s) of the text are not in the model's");
        if (ModuleFinder.ofSystem().find("jdk.incubator.vector").isPresent()) {
            assertThat(verbose.err().lines()).as("the launcher added the incubator module, whose notice it dropped")
                    .anyMatch(line -> line.contains("Vector API kernels"))
                    .noneMatch(line -> line.contains("incubator"));
        }
    }

    private record Run(int code, String out, String err) {
    }

    private static Run launch(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("textgen").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("TEXTGEN_JAVA_OPTS");
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the launcher ended").isTrue();
        return new Run(process.exitValue(), out.get(), err.get());
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A jar of the class folder {@code classes}. */
    private static void jar(Path classes, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> files = Files.walk(classes)) {
            for (Path path : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace(File.separatorChar, '/')));
                Files.copy(path, out);
                out.closeEntry();
            }
        }
    }
}
