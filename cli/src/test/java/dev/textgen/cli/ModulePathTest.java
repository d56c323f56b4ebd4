package dev.textgen.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * textgen on the module path: a small application module ({@code src/test/module-app}) that requires only
 * {@code dev.textgen.sdk} is compiled against the modules of this build and run
 * in its own JVM with {@code -m}. The scratch backend and the samplers must then be found through the
 * descriptors' {@code uses}/{@code provides} alone (service binding resolves their modules), the application
 * trains in a run folder with {@code TrainingRun}, resumes the finished run, reads its last checkpoint, loads and
 * generates, and only the exported packages are visible. Run once with the Vector API
 * module in the boot layer, so that the scratch module's reads edge to it is exercised, and once without; then
 * with the dl4j backend and DL4J on the class path beside the modules, as an application that uses it runs.
 */
class ModulePathTest {
    private static final Path APP = Path.of("src/test/module-app");

    @TempDir
    Path dir;

    /** How many runs this test started: each trains in a run folder of its own. */
    private int runs;

    @Test
    void anApplicationModuleTrainsAndGeneratesWithBackendAndSamplersFoundThroughTheDescriptors() throws Exception {
        List<String> modules = modules();
        String modulePath = String.join(File.pathSeparator, modules);
        Path classes = dir.resolve("app");
        compile(modulePath, classes);
        Path config = config("scratch");

        Map<String, String> scalar = run(modulePath + File.pathSeparator + classes, config, List.of());
        assertThat(scalar).containsEntry("epochs", "1").containsEntry("resumedEpochs", "1")
                .containsEntry("checkpointEpoch", "1").containsEntry("generated", "40")
                .containsEntry("apiModule", "dev.textgen.api").containsEntry("sdkModule", "dev.textgen.sdk").containsEntry("backendModule", "dev.textgen.scratch")
                .containsEntry("backendExported", "false").containsEntry("internalExported", "false")
                .containsEntry("spiExported", "true");
        assertThat(scalar.get("log")).contains("scalar kernels");

        Map<String, String> vector = run(modulePath + File.pathSeparator + classes, config,
                List.of("--add-modules", "jdk.incubator.vector"));
        assertThat(vector).containsEntry("epochs", "1").containsEntry("generated", "40");
        assertThat(vector.get("log")).contains("Vector API kernels");

        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!modules.contains(entry) && !entry.endsWith("test-classes")) {
                classPath.add(entry);
            }
        }
        // JavaCPP (under ND4J) reads native memory through sun.misc.Unsafe, which only the class path resolves by itself
        Map<String, String> dl4j = run(modulePath + File.pathSeparator + classes, config("dl4j"),
                List.of("--add-modules", "jdk.unsupported", "--class-path", String.join(File.pathSeparator, classPath)));
        assertThat(dl4j).containsEntry("epochs", "1").containsEntry("generated", "40")
                .containsEntry("backendModule", "null").containsEntry("internalExported", "false");
    }

    /** The modular jars or class folders of textgen (the reactor's or the installed ones) and Jackson on this test's class path. */
    private static List<String> modules() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            String name = path.toString();
            boolean ours = name.contains("textgen-") || name.contains("target" + File.separator + "classes");
            boolean jackson = name.contains("com" + File.separator + "fasterxml");
            if ((ours || jackson) && isModule(path)) {
                entries.add(entry);
            }
        }
        assertThat(entries).as("modules on the class path").hasSizeGreaterThanOrEqualTo(7);
        return entries;
    }

    private static boolean isModule(Path entry) {
        if (Files.isDirectory(entry)) {
            return Files.exists(entry.resolve("module-info.class"));
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            return jar.getEntry("module-info.class") != null
                    || jar.stream().anyMatch(e -> e.getName().matches("META-INF/versions/\\d+/module-info.class"));
        } catch (IOException e) {
            return false;
        }
    }

    private static void compile(String modulePath, Path classes) throws IOException {
        List<String> sources;
        try (Stream<Path> files = Files.walk(APP)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).collect(Collectors.toList());
        }
        List<String> args = new ArrayList<>(List.of("--module-path", modulePath, "-d", classes.toString()));
        args.addAll(sources);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("javac exit code").isZero();
    }

    /** A config that trains 8 units on {@code backend} for one epoch on a small text file. */
    private Path config(String backend) throws IOException {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, "the cat sat on the mat. the dog sat on the log. ".repeat(20));
        Path config = dir.resolve(backend + ".json");
        Files.writeString(config, """
                {"corpus": {"source": "%s", "maxlen": 10, "step": 3, "validationFraction": 0.1},
                 "model": {"backend": "%s", "hiddenSize": 8},
                 "training": {"epochs": 1, "batchSize": 32, "seed": 3, "preview": {"length": 0}}}
                """.formatted(text.toAbsolutePath().toString().replace("\\", "\\\\"), backend));
        return config;
    }

    /** Runs the application and returns its {@code key=value} lines, and everything else under {@code log}. */
    private Map<String, String> run(String modulePath, Path config, List<String> jvmArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmArgs);
        command.addAll(List.of("--module-path", modulePath, "-m", "textgen.example/example.Main",
                config.toString(), dir.resolve("run-" + runs++).toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("exit code; command %s; output:%n%s", command, output).isZero();
        Map<String, String> values = new HashMap<>();
        StringBuilder log = new StringBuilder();
        for (String line : output.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[a-zA-Z]+")) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            } else {
                log.append(line).append('\n');
            }
        }
        values.put("log", log.toString());
        return values;
    }
}
