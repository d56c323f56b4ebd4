/**
 * What an application adds on top of the API: {@link dev.textgen.sdk.TrainingRun}, one training run in a
 * run folder with checkpoints, retention, previews, metrics and exact resume, and
 * {@link dev.textgen.sdk.RunDirectory}, that folder's layout, and {@link dev.textgen.sdk.Benchmark}, which times
 * any config on its backend as {@code ./textgen bench} does.
 */
package dev.textgen.sdk;
