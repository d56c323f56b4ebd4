package dev.textgen.server;

import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Notices a client that closes its connection while its whole (non-streamed) response is still being generated.
 * HTTP/1.1 gives no sign of a closed connection while neither side sends, and Jetty does not read a connection whose
 * request it is still answering, so nothing would fail before the response is written. Once the request body is
 * read, this asks the connection's end point to report when it becomes readable: a client that closed or reset the
 * connection then reads as end of stream or an error, and {@code onGone} is told at once.
 *
 * <p>A readable connection may instead carry the first byte of a pipelined next request: that byte is handed back
 * to the connection (which parses it after this response) and the watch ends, as the client is evidently there.
 * {@link #stop()} must run before the response is written, since Jetty treats a read still pending when a response
 * completes as an error.
 */
final class HangUpWatch implements Callback {
    private final AbstractEndPoint endPoint;
    private final Connection.UpgradeTo connection;
    private final Consumer<Throwable> onGone;
    /** Orders a read against {@link #stop()}, so no byte is read once the response may be written. */
    private final ReentrantLock lock = new ReentrantLock();
    private final CancellationException stopping = new CancellationException("the response is being written");
    private boolean registered;
    private boolean stopped;

    private HangUpWatch(AbstractEndPoint endPoint, Connection.UpgradeTo connection, Consumer<Throwable> onGone) {
        this.endPoint = endPoint;
        this.connection = connection;
        this.onGone = onGone;
    }

    /**
     * A watch of {@code request}'s connection, not yet started, or null when the connection is not a socket that
     * Jetty's HTTP/1.1 connection reads (there is then nothing to watch).
     */
    static HangUpWatch of(Request request, Consumer<Throwable> onGone) {
        Connection connection = request.getConnectionMetaData().getConnection();
        if (connection instanceof Connection.UpgradeTo upgradeTo && connection.getEndPoint() instanceof AbstractEndPoint endPoint) {
            return new HangUpWatch(endPoint, upgradeTo, onGone);
        }
        return null;
    }

    /** Starts watching; call it once the request body has been read. */
    void start() {
        lock.lock();
        try {
            watch();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the watch; the connection is Jetty's again when this returns. */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            if (registered) {
                registered = false;
                endPoint.getFillInterest().onFail(stopping); // only this watch can be registered until the response completes
            }
        } finally {
            lock.unlock();
        }
    }

    /** The connection is readable: end of stream or a reset means the client is gone. */
    @Override
    public void succeeded() {
        Throwable gone = null;
        lock.lock();
        try {
            registered = false;
            if (stopped) {
                return;
            }
            ByteBuffer next = BufferUtil.allocate(1);
            try {
                int read = endPoint.fill(next);
                if (read < 0) {
                    gone = new IOException("the client closed the connection");
                } else if (read > 0) {
                    connection.onUpgradeTo(next);
                    stopped = true;
                } else {
                    watch();
                }
            } catch (IOException e) {
                gone = e;
            }
        } finally {
            lock.unlock();
        }
        if (gone != null) {
            onGone.accept(gone);
        }
    }

    /** The end point failed or closed, or {@link #stop()} withdrew the watch. */
    @Override
    public void failed(Throwable cause) {
        lock.lock();
        try {
            registered = false;
            if (cause == stopping) {
                return;
            }
        } finally {
            lock.unlock();
        }
        onGone.accept(cause);
    }

    /** Must hold the lock. */
    private void watch() {
        if (!stopped && !registered) {
            registered = endPoint.tryFillInterested(this);
        }
    }
}
