package dev.textgen.api.spi;

import dev.textgen.api.Session;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecurrentSessionTest {

    /** Each row records the ids it consumed since its last reset; the distribution names the row read. */
    private static final class RecordingRows implements RecurrentRows {
        private final List<List<Integer>> consumed = new ArrayList<>();
        private int lastRead = -1;
        private boolean closed;

        RecordingRows(int rows) {
            for (int r = 0; r < rows; r++) {
                consumed.add(new ArrayList<>());
            }
        }

        @Override
        public int rows() {
            return consumed.size();
        }

        @Override
        public void reset() {
            consumed.forEach(List::clear);
        }

        @Override
        public void reset(int row) {
            consumed.get(row).clear();
        }

        @Override
        public void step(int id) {
            consumed.forEach(row -> row.add(id));
        }

        @Override
        public void step(int[] ids, int count) {
            for (int r = 0; r < count; r++) {
                consumed.get(r).add(ids[r]);
            }
        }

        @Override
        public void move(int from, int to, int count) {
            throw new UnsupportedOperationException("sessions never move rows");
        }

        @Override
        public float[] probabilities(int row, float[] out) {
            lastRead = row;
            Arrays.fill(out, row);
            return out;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void theRowReadAfterEveryFeedConsumedExactlyTheLastMaxlenIdsFromTheZeroState() {
        for (int maxlen : new int[] {1, 2, 7}) {
            RecordingRows rows = new RecordingRows(maxlen);
            Session session = RecurrentSession.window(rows, 5);
            SplittableRandom random = new SplittableRandom(maxlen);
            for (int round = 0; round < 2; round++) {
                List<Integer> fed = new ArrayList<>();
                for (int n = 1; n <= 4 * maxlen + 3; n++) {
                    int id = random.nextInt(5);
                    session.feed(id);
                    fed.add(id);
                    session.probabilities(new float[5]);
                    List<Integer> window = fed.subList(Math.max(0, n - maxlen), n);
                    assertThat(rows.consumed.get(rows.lastRead)).as("maxlen %d, after %d ids", maxlen, n).isEqualTo(window);
                }
                session.reset();
                assertThat(rows.consumed).allSatisfy(row -> assertThat(row).isEmpty());
            }
            session.close();
            assertThat(rows.closed).isTrue();
        }
    }

    @Test
    void aStatefulSessionStepsItsOneRowWithoutEverResettingIt() {
        RecordingRows rows = new RecordingRows(1);
        Session session = RecurrentSession.stateful(rows, 5);
        for (int id : new int[] {3, 1, 4, 1, 0}) {
            session.feed(id);
        }
        session.probabilities(new float[5]);
        assertThat(rows.lastRead).isZero();
        assertThat(rows.consumed.get(0)).containsExactly(3, 1, 4, 1, 0);
        session.reset();
        assertThat(rows.consumed.get(0)).isEmpty();
        assertThatThrownBy(() -> session.probabilities(new float[5])).isInstanceOf(IllegalStateException.class);
        session.close();
        assertThat(rows.closed).isTrue();
    }

    @Test
    void badArgumentsAreNamed() {
        Session session = RecurrentSession.window(new RecordingRows(3), 5);
        assertThatThrownBy(() -> session.probabilities(new float[5])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("feed");
        assertThatThrownBy(() -> session.feed(5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5");
        session.feed(4);
        assertThatThrownBy(() -> session.probabilities(new float[4])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RecurrentSession.window(new RecordingRows(0), 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxlen");
        assertThatThrownBy(() -> RecurrentSession.stateful(new RecordingRows(2), 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one row");
    }
}
