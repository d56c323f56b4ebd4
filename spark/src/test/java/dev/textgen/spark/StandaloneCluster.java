package dev.textgen.spark;

import org.apache.spark.launcher.JavaModuleOptions;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A Spark standalone cluster on 127.0.0.1 of separate JVMs: a Master and Workers of one core each,
 * started from a Spark installation laid out as a distribution lays it out ({@code RELEASE}, and
 * {@code jars/} holding links to the given jars, which are Spark's from the Maven class path). Closing it
 * kills every JVM it started (executors included) and removes the links, never the jars they point to.
 */
final class StandaloneCluster implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofMinutes(6);

    private final Path dir;
    private final Path sparkHome;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> links = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private String master;

    private StandaloneCluster(Path dir) {
        this.dir = dir;
        this.sparkHome = dir.resolve("spark-home");
    }

    /**
     * Starts a Master and {@code workers} Workers of one core and {@code workerMemory} each, and waits until
     * every Worker has registered.
     *
     * @param dir          where the installation, the logs and the Workers' work folders go
     * @param sparkJars    the jars of the installation's {@code jars/}
     * @param workers      the number of Workers
     * @param workerMemory what each Worker offers its executors, such as {@code 1g}
     * @return the running cluster
     */
    static StandaloneCluster start(Path dir, List<Path> sparkJars, int workers, String workerMemory) throws Exception {
        StandaloneCluster cluster = new StandaloneCluster(dir);
        try {
            cluster.layOut(sparkJars);
            int port = freePort();
            cluster.master = "spark://127.0.0.1:" + port;
            cluster.launch(dir.resolve("master.log"), "org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", "0");
            awaitPort(port);
            for (int w = 0; w < workers; w++) {
                Path log = dir.resolve("worker-" + w + ".log");
                Process worker = cluster.launch(log, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--cores", "1", "--memory", workerMemory, "--webui-port", "0", "--work-dir",
                        Files.createDirectories(cluster.workDir(w)).toString(), cluster.master);
                cluster.workers.add(worker);
                awaitLine(log, line -> line.contains("Successfully registered with master"), worker);
            }
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** The jars of the class path this JVM was started with: Spark, its dependencies, and Jackson. */
    static List<Path> jarsOfThisClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.endsWith(".jar")).map(Path::of).toList();
    }

    /** @return the Master's URL, {@code spark://127.0.0.1:PORT} */
    String master() {
        return master;
    }

    /** @return the Workers' JVMs, in the order they were started */
    List<Process> workers() {
        return workers;
    }

    /**
     * @param worker the Worker's index
     * @return its work folder, under which its executors' logs are
     */
    Path workDir(int worker) {
        return dir.resolve("work-" + worker);
    }

    /**
     * Starts a JVM of the installation, as its {@code bin/spark-class} would: its jars on the class path,
     * Spark's Java 17 options, and its environment ({@code SPARK_HOME}, the Scala version, the local address).
     *
     * @param log       where its output goes
     * @param mainClass the class to run
     * @param args      its arguments
     * @return the process, killed when the cluster is closed
     */
    Process launch(Path log, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptions().trim().split("\\s+")));
        command.addAll(List.of("-Xmx512m", "-cp", sparkHome.resolve("jars") + File.separator + "*", mainClass));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", scalaVersion());
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_LOCAL_DIRS", Files.createDirectories(log.resolveSibling("local-" + log.getFileName())).toString());
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    @Override
    public void close() throws IOException {
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        for (Path link : links) {
            Files.deleteIfExists(link); // the links, never the jars of the Maven repository they point to
        }
    }

    /**
     * Waits until a line of {@code log} satisfies {@code wanted}.
     *
     * @throws AssertionError with the log when {@code process} ends first or {@link #TIMEOUT} passes
     */
    static void awaitLine(Path log, Predicate<String> wanted, Process process) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readAllLines(log).stream().anyMatch(wanted)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the process ended with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the awaited line did not appear in " + log + ":\n" + Files.readString(log));
    }

    private void layOut(List<Path> jars) throws IOException {
        Path jarDir = Files.createDirectories(sparkHome.resolve("jars"));
        Files.writeString(sparkHome.resolve("RELEASE"), "Spark from the Maven class path of textgen's tests\n");
        for (Path jar : jars) {
            Path link = jarDir.resolve(jar.getFileName());
            if (!Files.exists(link)) {
                links.add(Files.createSymbolicLink(link, jar));
            }
        }
    }

    /** The Scala binary version of the Spark on the class path, as a distribution's spark-env would set it. */
    private static String scalaVersion() {
        String version = scala.util.Properties.versionNumberString();
        return version.substring(0, version.lastIndexOf('.'));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("nothing listens on port " + port + " after " + TIMEOUT);
    }
}
