/**
 * Data-parallel training on Apache Spark: {@link dev.textgen.spark.SparkTrainer} (local SGD with
 * periodic averaging of the weights and the optimizer state) and {@link dev.textgen.spark.SparkTrain},
 * the {@code spark-submit} entry point. Uses only Spark's Java API; Spark itself is {@code provided}.
 */
package dev.textgen.spark;
