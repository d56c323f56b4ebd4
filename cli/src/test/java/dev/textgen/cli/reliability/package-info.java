/**
 * The reliability evidence of issue 8, across modules and through the command line: a table of bad
 * inputs (config, corpus, prompt, sampler parameters, model files, CLI arguments), each with the
 * exception type or exit code and the message that names the problem; crash safety of {@code train}
 * under SIGKILL and exact resume; and one shared {@link dev.textgen.api.TextGenerator} serving many
 * threads. {@code docs/reliability.md} describes what is guaranteed and how to run these tests.
 */
package dev.textgen.cli.reliability;
