package dev.textgen.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code textgen} command line: {@code train}, {@code generate}, {@code evaluate}, {@code corpus},
 * {@code bench} and {@code serve}. {@link #run} is the whole program minus {@link System#exit}, so tests call it
 * in-process with their own output streams.
 */
@Command(name = "textgen",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Character-level neural text generation: train an LSTM on a text, then generate from it.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {TrainCommand.class, GenerateCommand.class, EvaluateCommand.class, CorpusCommand.class,
                BenchCommand.class, ServeCommand.class},
        footerHeading = "%n",
        footer = {ExitCodes.HELP, "", "Run 'textgen COMMAND --help' for a command's options."})
public final class Main implements Runnable {
    private final Environment environment;

    @Spec
    CommandSpec spec;

    Main(Environment environment) {
        this.environment = environment;
    }

    /**
     * Runs one command line and exits the JVM with its exit code.
     *
     * @param args the command and its options, e.g. {@code generate --length 200}
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = run(args, out, err, Environment.system());
        System.exit(code);
    }

    /**
     * Runs one command line in this JVM.
     *
     * @param args the command and its options
     * @param out  where the command's output goes (UTF-8)
     * @param err  where errors go (UTF-8)
     * @return the exit code: 0 success, 1 runtime error, 2 usage or configuration error
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        return run(args, outWriter, errWriter, Environment.plain());
    }

    static int run(String[] args, PrintWriter out, PrintWriter err, Environment environment) {
        CommandLine commandLine = new CommandLine(new Main(environment))
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(ErrorReporter::usageError)
                .setExecutionExceptionHandler(ErrorReporter::executionError);
        ConsoleLog log = ConsoleLog.install(err, ErrorReporter.isVerbose(args));
        try {
            return commandLine.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("textgen: error: out of memory (" + e.getMessage() + "); give Java more heap, e.g."
                    + " TEXTGEN_JAVA_OPTS=-Xmx8g ./textgen ..., or use a smaller model or batch");
            return ExitCodes.RUNTIME;
        } finally {
            log.close();
            out.flush();
            err.flush();
        }
    }

    /** Without a command: the usage, as a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: train, generate, evaluate,"
                + " corpus, bench or serve");
    }

    Environment environment() {
        return environment;
    }

    /** The environment of the command being run, through the root command. */
    static Environment environment(CommandSpec spec) {
        return ((Main) spec.root().userObject()).environment();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"textgen " + (version == null ? "(development build)" : version),
                    "Java " + Runtime.version() + " on " + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
        }
    }
}
