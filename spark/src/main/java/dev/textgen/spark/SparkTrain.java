package dev.textgen.spark;

import dev.textgen.api.EpochResult;
import dev.textgen.api.TextgenException;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.TextgenConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * The {@code spark-submit} entry point:
 * <pre>
 * spark-submit --class dev.textgen.spark.SparkTrain textgen-spark-VERSION-submit.jar \
 *     --config CONFIG.json --corpus TEXT --model MODEL.safetensors [--checkpoints DIR] [--resume CHECKPOINT]
 * </pre>
 * Every path is a Hadoop path ({@code file://}, {@code hdfs://}, {@code s3a://}, or relative to the
 * default file system). With {@code --resume} the config is the checkpoint's and {@code --config} is
 * not given. Exits 0 when the model is written, 1 on a textgen error or an unreadable or unwritable path
 * (printed without a stack trace), 2 on bad arguments.
 */
public final class SparkTrain {
    private static final String USAGE = "usage: spark-submit --class " + SparkTrain.class.getName()
            + " JAR (--config CONFIG.json | --resume CHECKPOINT) --corpus TEXT --model MODEL.safetensors"
            + " [--checkpoints DIR]";

    private SparkTrain() {
    }

    /**
     * Trains as the arguments say (see the usage line); exits 1 on an error, 2 on bad arguments.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        try (JavaSparkContext spark = new JavaSparkContext(new SparkConf().setAppName("textgen train"))) {
            run(spark, arguments, System.out);
        } catch (TextgenException | UncheckedIOException e) {
            System.err.println("textgen: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Trains as the arguments say and writes the model. */
    static void run(JavaSparkContext spark, Arguments arguments, PrintStream out) {
        SparkTrainer trainer;
        if (arguments.resume() != null) {
            trainer = SparkTrainer.resume(spark, arguments.resume());
        } else {
            String json = HadoopModelFiles.readText(arguments.config(), spark.hadoopConfiguration());
            TextgenConfig config = ConfigLoader.parse(json, arguments.config());
            trainer = SparkTrainer.start(spark, config);
        }
        if (arguments.checkpoints() != null) {
            trainer.checkpointTo(arguments.checkpoints());
        }
        trainer.onEpoch(result -> out.println(line(result))).fit(arguments.corpus());
        trainer.save(arguments.model());
        out.println("model written to " + arguments.model());
    }

    private static String line(EpochResult result) {
        return String.format(Locale.ROOT, "epoch %d: train loss %.4f, held-out loss %.4f nats/char, %.1f s",
                result.epoch(), result.trainLoss(), result.validationLoss(), result.seconds());
    }

    /** The command line, checked. */
    record Arguments(String config, String resume, String corpus, String model, String checkpoints) {

        static Arguments parse(String... args) {
            String config = null;
            String resume = null;
            String corpus = null;
            String model = null;
            String checkpoints = null;
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--config" -> config = value;
                    case "--resume" -> resume = value;
                    case "--corpus" -> corpus = value;
                    case "--model" -> model = value;
                    case "--checkpoints" -> checkpoints = value;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; allowed: --config, --resume, --corpus, --model, --checkpoints");
                }
            }
            if ((config == null) == (resume == null)) {
                throw new IllegalArgumentException("give exactly one of --config (a new run) and --resume (a checkpoint)");
            }
            if (corpus == null || model == null) {
                throw new IllegalArgumentException("--corpus and --model are required");
            }
            return new Arguments(config, resume, corpus, model, checkpoints);
        }
    }
}
