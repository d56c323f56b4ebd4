package dev.textgen.cli;

import java.io.Console;
import java.util.function.LongSupplier;

/**
 * What a command needs from the process beyond its output streams: whether stdout is a terminal (for
 * the progress bar), how Ctrl-C reaches it, and a clock. Tests supply their own.
 *
 * @param interactive whether stdout is a terminal that can redraw a line
 * @param interrupts  registers what to do on Ctrl-C (SIGINT) or SIGTERM
 * @param nanoTime    a monotonic clock in nanoseconds
 */
record Environment(boolean interactive, Interrupts interrupts, LongSupplier nanoTime) {

    /** The real process: a terminal when the console says so, interrupts through shutdown hooks. */
    static Environment system() {
        return new Environment(isTerminal(System.console()), Interrupts.SHUTDOWN_HOOKS, System::nanoTime);
    }

    /**
     * Whether {@code console} is attached to a terminal. Up to Java 21 a console exists only then; from
     * Java 22 one may exist without a terminal, and {@code Console.isTerminal()} (called reflectively, as
     * textgen targets Java 17) tells.
     */
    static boolean isTerminal(Console console) {
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** Output to a file or pipe: plain progress lines. */
    static Environment plain() {
        return new Environment(false, Interrupts.SHUTDOWN_HOOKS, System::nanoTime);
    }

    /** Registers an action for an interrupt of the process. */
    @FunctionalInterface
    interface Interrupts {
        /**
         * Runs {@code action} when the process is interrupted, until the returned registration is closed.
         * The action may block to let the command finish saving.
         */
        Registration onInterrupt(Runnable action);

        /**
         * Runs {@code stop} when the process is asked to stop, as {@link #onInterrupt}, for a command whose stop is
         * its normal end (a server draining): the process then ends with exit code 0, not as interrupted.
         */
        default Registration onStop(Runnable stop) {
            return onInterrupt(stop);
        }

        /** Java runs shutdown hooks on SIGINT and SIGTERM, and waits for them before the process ends. */
        Interrupts SHUTDOWN_HOOKS = new Interrupts() {
            @Override
            public Registration onInterrupt(Runnable action) {
                Thread hook = new Thread(action, "textgen-interrupt");
                Runtime.getRuntime().addShutdownHook(hook);
                return () -> {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // The hook is running or has run; nothing left to remove.
                    }
                };
            }

            /** The JVM would end with 128 + the signal's number; halting after the stop sets the status to 0. */
            @Override
            public Registration onStop(Runnable stop) {
                return onInterrupt(() -> {
                    stop.run();
                    Runtime.getRuntime().halt(ExitCodes.OK);
                });
            }
        };
    }

    /** An interrupt action that can be withdrawn. */
    @FunctionalInterface
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
