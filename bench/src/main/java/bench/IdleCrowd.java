package bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import testkit.Proc;

/**
 * K idle connections to a server, opened at the pace it accepts them: a batch
 * is started only when its accept queue has room for it, so the queue never
 * overflows and no SYN waits out a retransmit. A server that stops accepting
 * (chapter 2, busy with its first client) stops the opening after a bounded wait.
 */
final class IdleCrowd implements AutoCloseable {
    private static final int BATCH = 50;
    private final List<SocketChannel> connections = new ArrayList<>();
    /** Why fewer than K were opened, or null. */
    String shortfall;

    static IdleCrowd open(int port, int backlog, int k, double stallSeconds) {
        IdleCrowd crowd = new IdleCrowd();
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (Selector selector = Selector.open()) {
            while (crowd.connections.size() < k) {
                if (!awaitRoom(port, Math.max(0, backlog + 1 - BATCH), stallSeconds)) {
                    crowd.shortfall = "the server stopped accepting: its accept queue stayed full";
                    break;
                }
                int n = Math.min(BATCH, k - crowd.connections.size());
                List<SocketChannel> batch = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    SocketChannel ch = SocketChannel.open();
                    ch.configureBlocking(false);
                    if (!ch.connect(target)) ch.register(selector, SelectionKey.OP_CONNECT);
                    batch.add(ch);
                }
                long end = System.nanoTime() + (long) (stallSeconds * 1e9);
                while (selector.keys().stream().anyMatch(SelectionKey::isValid) && System.nanoTime() < end) {
                    selector.select(key -> {
                        try {
                            if (((SocketChannel) key.channel()).finishConnect()) key.cancel();
                        } catch (IOException e) {
                            key.cancel();
                        }
                    }, 100);
                }
                int connected = 0;
                for (SocketChannel ch : batch) {
                    if (ch.isConnected()) {
                        crowd.connections.add(ch);
                        connected++;
                    } else {
                        resetClose(ch);
                    }
                }
                selector.selectNow(); // forget the cancelled keys
                if (connected < n) {
                    crowd.shortfall = "connects timed out after " + Table.number(stallSeconds) + " s";
                    break;
                }
            }
        } catch (IOException e) {
            crowd.shortfall = e.toString();
        }
        return crowd;
    }

    /** Waits until the accept queue holds at most {@code room} connections; false on timeout. */
    private static boolean awaitRoom(int port, int room, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (Proc.acceptQueueLength(port) > room) {
            if (System.nanoTime() > end) return false;
            Harness.sleep(2);
        }
        return true;
    }

    int size() {
        return connections.size();
    }

    /** Closes every connection with a reset (SO_LINGER 0), so 10,000 of them leave no TIME_WAIT behind. */
    @Override
    public void close() {
        connections.forEach(IdleCrowd::resetClose);
        connections.clear();
    }

    private static void resetClose(SocketChannel ch) {
        try {
            if (ch.isOpen()) {
                if (ch.isConnected()) ch.setOption(StandardSocketOptions.SO_LINGER, 0);
                ch.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
