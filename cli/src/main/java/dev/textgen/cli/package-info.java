/**
 * The {@code textgen} command line ({@link dev.textgen.cli.Main}): {@code train} with progress, previews,
 * checkpoints, metrics.csv and a loss chart; {@code generate}, which streams text; {@code evaluate};
 * {@code corpus}; and {@code bench}. Errors become one message and an exit code (0 success, 1 runtime
 * error, 2 usage or config error), with the stack trace only under {@code --verbose}.
 */
package dev.textgen.cli;
