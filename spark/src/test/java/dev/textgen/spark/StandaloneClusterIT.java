package dev.textgen.spark;

import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.StoredModel;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real standalone cluster on 127.0.0.1: a Master and two Workers (one core each), separate JVMs started
 * from a Spark installation laid out from the Maven class path ({@code SPARK_HOME/jars}), and the
 * spark-submit jar submitted through {@code SparkSubmit} as {@code bin/spark-submit} does. After the first
 * epoch the Worker whose executor has just been given a round's task is killed with it; the run still
 * finishes, with the model a {@code local[2]} run gives bit for bit.
 */
class StandaloneClusterIT {
    private static final Pattern RUNNING = Pattern.compile("Running task (\\S+ in stage \\S+) \\(TID (\\d+)\\)");

    private StandaloneCluster cluster;

    @AfterEach
    void stopCluster() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aJobSubmittedToAStandaloneClusterSurvivesAKilledWorkerAndEndsOnTheLocalModel(@TempDir Path dir)
            throws Exception {
        SparkRuntime.assumeSparkStarts();
        Path corpus = dir.resolve("corpus.txt");
        Files.writeString(corpus, lines(TestCorpus.text(12_000, 7), 64));
        Path config = dir.resolve("config.json");
        Files.writeString(config, """
                {"corpus": {"source": "corpus.txt", "maxlen": 20, "step": 3, "validationFraction": 0.1},
                 "model": {"hiddenSize": 32},
                 "training": {"epochs": 3, "batchSize": 32, "threads": 1},
                 "spark": {"workers": 2, "localSteps": 16}}
                """);

        List<Path> sparkJars = Arrays.stream(System.getProperty("textgen.spark.classPath").split(File.pathSeparator))
                .map(Path::of).toList();
        cluster = StandaloneCluster.start(dir, sparkJars, 2, "1g");

        Path model = dir.resolve("model.safetensors");
        Path submitLog = dir.resolve("submit.log");
        Process submit = cluster.launch(submitLog, "org.apache.spark.deploy.SparkSubmit",
                "--master", cluster.master(), "--deploy-mode", "client", "--class", SparkTrain.class.getName(),
                "--executor-memory", "512m", "--total-executor-cores", "2",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
                System.getProperty("textgen.spark.submitJar"),
                "--config", config.toUri().toString(), "--corpus", corpus.toUri().toString(),
                "--model", model.toUri().toString(), "--checkpoints", dir.resolve("checkpoints").toUri().toString());

        // After the first epoch, kill a Worker and its executor while that executor runs a round's task.
        StandaloneCluster.awaitLine(submitLog, line -> line.startsWith("epoch 1:"), submit);
        String killedTask = killDuringATask(cluster, submit);

        assertThat(submit.waitFor(StandaloneCluster.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("spark-submit finished").isTrue();
        String output = Files.readString(submitLog);
        Files.copy(submitLog, Files.createDirectories(Path.of("target")).resolve("StandaloneClusterIT-submit.log"),
                StandardCopyOption.REPLACE_EXISTING);
        assertThat(submit.exitValue()).as(output).isZero();
        assertThat(output).contains("epoch 3:", "model written to");
        // The killed attempt (N.0) is run again (N.1) on the surviving executor.
        assertThat(output).contains("Starting task " + killedTask.replace(".0 in stage", ".1 in stage"));
        assertThat(dir.resolve("checkpoints").resolve(Checkpoints.name(3))).exists();

        StoredModel trained = ModelFile.read(model);
        TextgenConfig parsed = ConfigLoader.parse(Files.readString(config), config.toString());
        try (JavaSparkContext local = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                .setAppName("reference").set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"))) {
            SparkTrainer reference = SparkTrainer.start(local, parsed);
            reference.fit(corpus.toUri().toString());
            SparkTrainerTest.assertBitIdentical(trained.weights(), reference.model().weights());
        }
    }

    /**
     * Kills a Worker and its executor while the executor runs a task, and returns that task ("1.0 in
     * stage 7.0"). The executor's log shows a task running and not finished; the executor is then
     * frozen (SIGSTOP) so that it cannot finish it, the log is read again, and only if the task is still
     * unfinished are the Worker and the executor killed; otherwise the executor is thawed and the watch
     * goes on.
     */
    private static String killDuringATask(StandaloneCluster cluster, Process driver) throws Exception {
        List<Process> workers = cluster.workers();
        long deadline = System.nanoTime() + StandaloneCluster.TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && driver.isAlive()) {
            for (int w = 0; w < workers.size(); w++) {
                String task = unfinishedTask(cluster.workDir(w));
                if (task == null) {
                    continue;
                }
                List<ProcessHandle> executors = workers.get(w).descendants().toList();
                signal("STOP", executors);
                if (task.equals(unfinishedTask(cluster.workDir(w)))) {
                    executors.forEach(ProcessHandle::destroyForcibly);
                    workers.get(w).destroyForcibly();
                    return task.substring(0, task.indexOf(" (TID"));
                }
                signal("CONT", executors);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no executor was seen running a task");
    }

    /** The task an executor under {@code workDir} is running according to its log, or null. */
    private static String unfinishedTask(Path workDir) throws IOException {
        List<Path> logs;
        try (var files = Files.find(workDir, 3, (path, attributes) -> path.getFileName().toString().equals("stderr"))) {
            logs = files.toList();
        }
        for (Path log : logs) {
            String text = Files.readString(log);
            Matcher running = RUNNING.matcher(text);
            String last = null;
            while (running.find()) {
                last = running.group(1) + " (TID " + running.group(2) + ")";
            }
            if (last != null && !text.contains("Finished task " + last)) {
                return last;
            }
        }
        return null;
    }

    private static void signal(String signal, List<ProcessHandle> processes) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        processes.forEach(process -> command.add(String.valueOf(process.pid())));
        if (processes.size() > 0) {
            new ProcessBuilder(command).inheritIO().start().waitFor();
        }
    }

    private static String lines(String text, int width) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i += width) {
            out.append(text, i, Math.min(text.length(), i + width)).append('\n');
        }
        return out.toString();
    }
}
