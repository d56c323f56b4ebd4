package dev.textgen.cli;

import java.io.PrintWriter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Log records on stderr as one plain line each. textgen's modules log through {@link System.Logger}, which
 * reaches {@code java.util.logging}, whose default console handler writes two lines per record (date and
 * class, then level and message). While a command runs, the root logger's handlers are replaced by this one:
 * by default it prints records of level WARNING and above as {@code textgen: warning: MESSAGE}, the ones a
 * user must know about; with {@code --verbose} also the INFO and debug records of textgen's own loggers
 * (which backend and kernels run, huge page advice, download progress), each naming its logger, with the
 * stack trace of a record's exception. {@link #close()} puts the previous handlers and levels back.
 */
final class ConsoleLog extends Handler implements AutoCloseable {
    private static final String TEXTGEN_LOGGERS = "dev.textgen";

    private final PrintWriter err;
    private final boolean verbose;
    private final Formatter messages = new SimpleFormatter();
    private final Logger root = Logger.getLogger("");
    private final Logger textgen = Logger.getLogger(TEXTGEN_LOGGERS);
    private final Handler[] previousHandlers;
    private final Level previousRootLevel;
    private final Level previousTextgenLevel;

    private ConsoleLog(PrintWriter err, boolean verbose) {
        this.err = err;
        this.verbose = verbose;
        this.previousHandlers = root.getHandlers();
        this.previousRootLevel = root.getLevel();
        this.previousTextgenLevel = textgen.getLevel();
    }

    /** Routes log records to {@code err} until the returned log is closed. */
    static ConsoleLog install(PrintWriter err, boolean verbose) {
        ConsoleLog log = new ConsoleLog(err, verbose);
        for (Handler handler : log.previousHandlers) {
            log.root.removeHandler(handler);
        }
        log.root.addHandler(log);
        log.root.setLevel(verbose ? Level.INFO : Level.WARNING);
        log.textgen.setLevel(verbose ? Level.FINE : Level.WARNING);
        return log;
    }

    @Override
    public void publish(LogRecord logRecord) {
        if (logRecord == null) {
            return;
        }
        String level = logRecord.getLevel().intValue() >= Level.SEVERE.intValue() ? "error"
                : logRecord.getLevel().intValue() >= Level.WARNING.intValue() ? "warning"
                : logRecord.getLevel().intValue() >= Level.INFO.intValue() ? "info" : "debug";
        StringBuilder line = new StringBuilder("textgen: ").append(level).append(": ");
        if (verbose && logRecord.getLoggerName() != null) {
            line.append('[').append(logRecord.getLoggerName()).append("] ");
        }
        line.append(messages.formatMessage(logRecord));
        Throwable thrown = logRecord.getThrown();
        if (thrown != null && !verbose) {
            line.append(" (").append(thrown).append(')');
        }
        synchronized (err) {
            err.println(line);
            if (thrown != null && verbose) {
                thrown.printStackTrace(err);
            }
            err.flush();
        }
    }

    @Override
    public void flush() {
        err.flush();
    }

    /** Takes this handler off the root logger and restores the handlers and levels found at {@link #install}. */
    @Override
    public void close() {
        root.removeHandler(this);
        for (Handler handler : previousHandlers) {
            root.addHandler(handler);
        }
        root.setLevel(previousRootLevel);
        textgen.setLevel(previousTextgenLevel);
    }
}
