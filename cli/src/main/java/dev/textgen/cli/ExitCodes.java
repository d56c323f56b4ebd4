package dev.textgen.cli;

/** The exit codes of every command, also shown in {@code textgen --help}. */
final class ExitCodes {
    static final int OK = 0;
    /** The command was well-formed but failed while running: an unreadable corpus or model file, divergence, I/O. */
    static final int RUNTIME = 1;
    /** The command line or the config is wrong: bad options, invalid values, unknown names, unusable prompt. */
    static final int USAGE = 2;
    /** Training was interrupted (Ctrl-C) and stopped after saving a checkpoint, as shells report SIGINT. */
    static final int INTERRUPTED = 130;

    static final String HELP = "Exit codes:%n"
            + "  0    success%n"
            + "  1    runtime error: unreadable corpus or model file, divergence, I/O failure%n"
            + "  2    usage or config error: bad option or value, invalid config, unknown%n"
            + "       backend or sampler, prompt outside the model's vocabulary%n"
            + "  130  training interrupted (Ctrl-C) after saving a checkpoint";

    private ExitCodes() {
    }
}
