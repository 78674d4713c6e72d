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
import testkit.Article;
import testkit.Cli;

/**
 * The java.nio reference server: chapter 3's job as a Java programmer would write it without JNI, one thread, one
 * Selector (level-triggered epoll): one accept per event, read to the end of request, reply, close. Prints nothing.
 */
public final class NioServer {
    /** The article's 114-byte response, read-only and direct (a channel write copies nothing): duplicate() to write. */
    static final ByteBuffer RESPONSE = ByteBuffer.allocateDirect(Article.RESPONSE.length).put(Article.RESPONSE).flip()
            .asReadOnlyBuffer();

    /** Per-connection state, kept as the key's attachment. */
    private record Conn(ByteBuffer request, ByteBuffer response) {}

    public static void main(String[] args) throws IOException {
        String range = " '%s': expected %s..%s";
        int port = args.length > 0 ? Cli.intArg(args[0], 0, 65535, "bad port" + range) : 8080;
        int backlog = args.length > 1 ? Cli.intArg(args[1], 0, 1 << 20, "bad backlog" + range) : 1;
        if (args.length > 2) Cli.fail("usage: NioServer [port [backlog]]");
        // An AF_INET socket like the C server's, not Java's default dual-stack IPv6 one.
        ServerSocketChannel serversocket = ServerSocketChannel.open(StandardProtocolFamily.INET);
        serversocket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        try {
            serversocket.bind(new InetSocketAddress("0.0.0.0", port), backlog);
        } catch (BindException e) {
            Cli.fail("cannot listen on port " + port + ": " + e.getMessage());
        }
        System.out.printf("listening on 0.0.0.0:%d (backlog %d)%n", serversocket.socket().getLocalPort(), backlog);
        Selector selector = Selector.open();
        serversocket.configureBlocking(false).register(selector, SelectionKey.OP_ACCEPT);
        while (true) {
            selector.select(NioServer::handle, 1000); // the consumer form avoids the selected-key set and its iterator
        }
    }

    private static void handle(SelectionKey key) {
        try {
            if (key.isAcceptable()) {
                SocketChannel connection = ((ServerSocketChannel) key.channel()).accept();
                if (connection == null) return;
                connection.configureBlocking(false).register(key.selector(), SelectionKey.OP_READ,
                        new Conn(ByteBuffer.allocate(8192), RESPONSE.duplicate()));
                return;
            }
            SocketChannel connection = (SocketChannel) key.channel();
            Conn conn = (Conn) key.attachment();
            if (key.isReadable()) {
                if (connection.read(conn.request()) < 0) {
                    connection.close(); // end of stream (a close also cancels the key)
                } else if (hasEol(conn.request().array(), conn.request().position())) {
                    key.interestOps(SelectionKey.OP_WRITE);
                } else if (!conn.request().hasRemaining()) {
                    connection.close(); // no terminator within the 8 KiB buffer
                }
            } else if (key.isWritable()) {
                connection.write(conn.response());
                if (!conn.response().hasRemaining()) {
                    // Java has no SHUT_RDWR and a Selector never reports EPOLLHUP for a key with no interest:
                    // shut both ways, then close at once.
                    connection.shutdownInput();
                    connection.shutdownOutput();
                    connection.close();
                }
            }
        } catch (IOException e) { // an error on one connection never stops the server
            try {
                key.channel().close();
            } catch (IOException ignored) { // nothing left to do for this connection
            }
        }
    }

    /** The chapters' end of request: "\n\n" or "\n\r\n" among the first len bytes. */
    static boolean hasEol(byte[] b, int len) {
        for (int i = 1; i < len; i++) {
            if (b[i] == '\n' && (b[i - 1] == '\n' || (i >= 2 && b[i - 1] == '\r' && b[i - 2] == '\n'))) return true;
        }
        return false;
    }
}
