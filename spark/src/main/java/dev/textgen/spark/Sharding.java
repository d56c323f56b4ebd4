package dev.textgen.spark;

import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

import java.util.Iterator;

/**
 * Cuts an RDD of text pieces into a given number of shards of consecutive pieces, the same way on every
 * run: input partitions {@code [p * n / workers, (p + 1) * n / workers)} go, in order, to shard
 * {@code p}. Unlike {@code coalesce}, the grouping does not depend on where the data lives.
 */
final class Sharding {
    private Sharding() {
    }

    static JavaRDD<String> contiguous(JavaRDD<String> text, int workers) {
        int inputs = text.getNumPartitions();
        if (inputs == workers) {
            return text;
        }
        if (inputs < workers) {
            throw new IllegalArgumentException("the text has " + inputs + " partitions, fewer than spark.workers = "
                    + workers + "; read it with more partitions (textFile(path, " + workers + ")) or use fewer workers");
        }
        JavaPairRDD<Long, String> keyed = JavaPairRDD.fromJavaRDD(text.mapPartitionsWithIndex(
                (partition, pieces) -> keyed(partition, pieces), true));
        return keyed.repartitionAndSortWithinPartitions(new ContiguousRanges(inputs, workers)).values();
    }

    /** The pieces of one input partition keyed by {@code (partition << 32 | index)}, lazily. */
    private static Iterator<Tuple2<Long, String>> keyed(int partition, Iterator<String> pieces) {
        return new Iterator<>() {
            private long index;

            @Override
            public boolean hasNext() {
                return pieces.hasNext();
            }

            @Override
            public Tuple2<Long, String> next() {
                return new Tuple2<>(((long) partition << 32) | index++, pieces.next());
            }
        };
    }

    /** Key {@code (input partition << 32 | index)} to shard {@code input * workers / inputs}. */
    static final class ContiguousRanges extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int inputs;
        private final int workers;

        ContiguousRanges(int inputs, int workers) {
            this.inputs = inputs;
            this.workers = workers;
        }

        @Override
        public int numPartitions() {
            return workers;
        }

        @Override
        public int getPartition(Object key) {
            long input = ((Long) key) >>> 32;
            return (int) (input * workers / inputs);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ContiguousRanges ranges && ranges.inputs == inputs && ranges.workers == workers;
        }

        @Override
        public int hashCode() {
            return 31 * inputs + workers;
        }
    }
}
