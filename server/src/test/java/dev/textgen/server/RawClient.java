package dev.textgen.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** A client on a plain socket, for what HTTP clients hide: hanging up mid-response, and not reading at all. */
final class RawClient implements AutoCloseable {
    private final Socket socket = new Socket();

    /** Connects with a receive buffer of {@code receiveBuffer} bytes and sends a POST of {@code json} to {@code path}. */
    RawClient(URI base, String path, String json, int receiveBuffer) {
        try {
            socket.setReceiveBufferSize(receiveBuffer);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        post(base, path, json);
    }

    /** Sends a POST of {@code json} to {@code path} on the same connection, without waiting for earlier responses. */
    void post(URI base, String path, String json) {
        try {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads until {@code marker} has arrived; returns what was read. */
    String readUntil(String marker) {
        try {
            InputStream in = socket.getInputStream();
            StringBuilder read = new StringBuilder();
            byte[] buffer = new byte[1024];
            while (read.indexOf(marker) < 0) {
                int n = in.read(buffer);
                if (n < 0) {
                    throw new IllegalStateException("the server closed the connection before \"" + marker + "\": " + read);
                }
                read.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            return read.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the sending side only (a FIN), as a client that will send nothing more. */
    void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Hangs up: a reset, as a client killed mid-response. */
    @Override
    public void close() {
        if (socket.isClosed()) {
            return;
        }
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
