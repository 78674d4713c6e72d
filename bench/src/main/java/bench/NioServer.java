package bench;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The java.nio reference server: chapter 3's job as a Java programmer would write it without JNI, one thread, one
 * Selector (level-triggered epoll underneath): accept one connection per event, read until "\n\n" or "\n\r\n", reply
 * with the 114-byte response, shut down and close. Prints nothing per request.
 */
public final class NioServer {
    /** Per-connection state, kept as the key's attachment. */
    private record Conn(ByteBuffer request, ByteBuffer response) {}

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Cli.intArg(args[0], 0, 65535, "port") : 8080;
        int backlog = args.length > 1 ? Cli.intArg(args[1], 0, 1 << 20, "backlog") : 1;
        if (args.length > 2) Cli.fail("usage: NioServer [port [backlog]]");
        // An AF_INET socket like the C server's, not Java's default dual-stack IPv6 one.
        ServerSocketChannel serversocket = ServerSocketChannel.open(StandardProtocolFamily.INET);
        serversocket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        try {
            serversocket.bind(new InetSocketAddress("0.0.0.0", port), backlog);
        } catch (BindException e) {
            Cli.fail("cannot listen on port " + port + ": " + e.getMessage());
        }
        serversocket.configureBlocking(false);
        System.out.printf("listening on 0.0.0.0:%d (backlog %d)%n", serversocket.socket().getLocalPort(), backlog);
        Selector selector = Selector.open();
        serversocket.register(selector, SelectionKey.OP_ACCEPT);
        while (true) {
            // The consumer form avoids the selected-key set and its iterator.
            selector.select(key -> {
                try {
                    handle(selector, key);
                } catch (IOException e) {
                    close(key); // an error on one connection never stops the server
                }
            }, 1000);
        }
    }

    private static void handle(Selector selector, SelectionKey key) throws IOException {
        if (key.isAcceptable()) {
            SocketChannel connection = ((ServerSocketChannel) key.channel()).accept();
            if (connection == null) return;
            connection.configureBlocking(false);
            connection.register(selector, SelectionKey.OP_READ,
                    new Conn(ByteBuffer.allocate(8192), Http.RESPONSE.duplicate()));
            return;
        }
        SocketChannel connection = (SocketChannel) key.channel();
        Conn conn = (Conn) key.attachment();
        if (key.isReadable()) {
            if (connection.read(conn.request()) < 0) {
                close(key); // end of stream
            } else if (Http.hasEol(conn.request().array(), conn.request().position())) {
                key.interestOps(SelectionKey.OP_WRITE);
            } else if (!conn.request().hasRemaining()) {
                close(key); // no terminator within the 8 KiB buffer
            }
        } else if (key.isWritable()) {
            connection.write(conn.response());
            if (!conn.response().hasRemaining()) {
                // Java has no SHUT_RDWR and a Selector never reports EPOLLHUP for
                // a key with no interest: shut both ways, then close at once.
                connection.shutdownInput();
                connection.shutdownOutput();
                close(key);
            }
        }
    }

    private static void close(SelectionKey key) {
        try {
            key.channel().close(); // also cancels the key
        } catch (IOException ignored) {
            // nothing left to do for this connection
        }
    }
}
