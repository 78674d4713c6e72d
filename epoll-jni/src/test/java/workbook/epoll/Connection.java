package workbook.epoll;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A connected pair for the tests: a listening {@link LinuxSocket} on
 * 127.0.0.1, a plain java.net client, and the accepted server side, so each
 * test can act on one end and watch the other through the binding.
 */
final class Connection implements AutoCloseable {
    final LinuxSocket listener;
    final Socket client;
    final LinuxSocket server;

    private Connection(LinuxSocket listener, Socket client, LinuxSocket server) {
        this.listener = listener;
        this.client = client;
        this.server = server;
    }

    static Connection open() throws IOException {
        return open(listener -> { });
    }

    /** {@code configure} runs on the listening socket before listen(), e.g. to set an option it passes on. */
    static Connection open(ListenerSetup configure) throws IOException {
        LinuxSocket listener = LinuxSocket.tcp();
        configure.apply(listener);
        listener.bind("127.0.0.1", 0);
        listener.listen(8);
        Socket client = new Socket();
        client.connect(new InetSocketAddress("127.0.0.1", listener.getsockname().getPort()), 5_000);
        client.setSoTimeout(5_000);
        // The handshake is complete once connect returns, so accept never blocks here.
        LinuxSocket server = listener.accept().socket();
        return new Connection(listener, client, server);
    }

    void clientSends(int bytes) throws IOException {
        client.getOutputStream().write(new byte[bytes]);
        client.getOutputStream().flush();
    }

    @Override
    public void close() throws IOException {
        client.close();
        server.close();
        listener.close();
    }

    interface ListenerSetup {
        void apply(LinuxSocket listener) throws IOException;
    }
}
