/**
 * A runnable benchmark (test scope) of the scratch backend on the reference notebook's setup, used until (and alongside) the CLI's
 * {@code bench} command: it goes through the same public API and prints one JSON line.
 */
package dev.textgen.scratch.bench;
