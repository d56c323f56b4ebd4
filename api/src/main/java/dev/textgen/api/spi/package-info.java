/**
 * Service provider interfaces: backends and samplers register through {@link java.util.ServiceLoader} under
 * the name the config uses, are found by {@link dev.textgen.api.spi.Backends} and
 * {@link dev.textgen.api.spi.Samplers}, and are created lazily so that finding a heavy backend loads nothing.
 * A backend's inference sessions are built by {@link dev.textgen.api.spi.RecurrentSession} from its
 * {@link dev.textgen.api.spi.RecurrentRows} (a batch of recurrent states stepped together): stateful on one row,
 * and the reference notebook's window context with maxlen windows in flight on maxlen rows. A scheduler serving
 * many streams steps each row on its own symbol and reads many rows' distributions in one call. The argument checks all
 * backends share are in {@link dev.textgen.api.spi.ModelArguments}.
 */
package dev.textgen.api.spi;
