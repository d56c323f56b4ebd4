/**
 * The {@code textgen} command line ({@link dev.textgen.cli.Main}), shells over the library: {@code train}
 * (a {@link dev.textgen.sdk.TrainingRun} with a progress bar, printed previews and Ctrl-C);
 * {@code generate}, which streams text; {@code evaluate};
 * {@code corpus}; and {@code bench}. Errors become one message and an exit code (0 success, 1 runtime
 * error, 2 usage or config error), with the stack trace only under {@code --verbose}.
 */
package dev.textgen.cli;
