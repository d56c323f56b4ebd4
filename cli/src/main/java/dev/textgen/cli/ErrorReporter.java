package dev.textgen.cli;

import dev.textgen.api.BackendUnavailableException;
import dev.textgen.api.ConfigException;
import dev.textgen.api.UnknownCharacterException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * Turns every failure into one message on stderr and an exit code; the stack trace only with
 * {@code --verbose}. The mapping (documented in {@link ExitCodes#HELP}):
 * <ul>
 *   <li>2 (usage): picocli's parse errors and {@link UsageException} (bad options, values, combinations),
 *   {@link ConfigException} (invalid config values, from a file or a flag), {@link BackendUnavailableException}
 *   (unknown or unavailable backend or sampler: the user named something this installation lacks) and
 *   {@link UnknownCharacterException} (seed text outside the model's vocabulary);</li>
 *   <li>1 (runtime): everything else, notably {@link dev.textgen.api.CorpusException},
 *   {@link dev.textgen.api.ModelFileException}, {@link dev.textgen.api.TrainingDivergedException} and I/O
 *   errors; an exception outside textgen's own is reported as an internal error.</li>
 * </ul>
 */
final class ErrorReporter {
    private ErrorReporter() {
    }

    /** The exit code for a failure thrown by a command. */
    static int exitCode(Throwable failure) {
        return failure instanceof ConfigException || failure instanceof BackendUnavailableException
                || failure instanceof UnknownCharacterException || failure instanceof UsageException
                ? ExitCodes.USAGE : ExitCodes.RUNTIME;
    }

    static int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(prefix(command) + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + command.getCommandSpec().qualifiedName() + " --help' for usage.");
        if (isVerbose(args)) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.USAGE;
    }

    static int executionError(Exception e, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        command.getOut().flush();
        err.println(prefix(command) + message(e));
        if (e instanceof UsageException) {
            err.println("Run '" + command.getCommandSpec().qualifiedName() + " --help' for usage.");
        }
        if (isVerbose(parseResult.originalArgs().toArray(String[]::new))) {
            e.printStackTrace(err);
        } else if (!isTextgenFailure(e)) {
            err.println("This looks like a bug in textgen; run again with --verbose for the stack trace and report it.");
        }
        err.flush();
        return exitCode(e);
    }

    /** The one line a user sees. */
    static String message(Throwable e) {
        if (isTextgenFailure(e)) {
            return e.getMessage();
        }
        return "internal error: " + e;
    }

    private static boolean isTextgenFailure(Throwable e) {
        return e instanceof dev.textgen.api.TextgenException || e instanceof UsageException
                || e instanceof UncheckedIOException;
    }

    private static String prefix(CommandLine command) {
        return command.getCommandSpec().qualifiedName() + ": error: ";
    }

    private static boolean isVerbose(String[] args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
