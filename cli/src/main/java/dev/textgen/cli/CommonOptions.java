package dev.textgen.cli;

import picocli.CommandLine.Option;

/** Options every command takes. {@link ErrorReporter} reads {@code --verbose} from the arguments. */
final class CommonOptions {
    @Option(names = "--verbose", description = "Print the stack trace of an error, and textgen's informational log"
            + " lines (backend, kernels, downloads) on stderr.")
    boolean verbose;
}
