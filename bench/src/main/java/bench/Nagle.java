package bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import testkit.Article;
import testkit.Clients;

/**
 * nagle: request/response round trips on one persistent loopback connection where each
 * side writes its message in two small writes and then reads the other's (write-write-read),
 * with Nagle on and with TCP_NODELAY on both sides.
 */
final class Nagle {
    /** Bounds each read; Nagle and a delayed ACK hold a message at most some 200 ms (TCP_DELACK_MAX). */
    private static final Duration LIMIT = Duration.ofSeconds(5);

    static void run(Settings s) throws IOException {
        Page.Data d = new Page.Data("nagle", s);
        int n = s.full() ? 200 : 40;
        Table raw = new Table("nagle", "round_trip", "rtt_us");
        Table t = new Table("Nagle", "round trips", "p50 ms", "p90 ms", "p99 ms", "max ms");
        List<Double> p50 = new ArrayList<>();
        for (String mode : List.of("on", "off")) {
            Histogram h = LoadGen.newHistogram();
            for (int rep = 1; rep <= s.reps(); rep++) {
                for (long us : roundTrips(mode.equals("off"), n)) {
                    h.recordValue(us);
                    raw.add(mode, h.getTotalCount(), us);
                }
            }
            t.add(mode.equals("on") ? "on (default)" : "off (TCP_NODELAY)", h.getTotalCount(),
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
            p50.add(h.getValueAtPercentile(50) / 1000.0);
            d.put(mode + ".p50", p50.get(p50.size() - 1));
        }
        raw.writeCsv(Page.file("nagle.csv"));
        d.put("table", t).put("ratio", p50.get(0) / p50.get(1)).put("n", n).save();
    }

    /**
     * {@code n} round trips in µs, both ends in this thread: the request goes as its first line, then the
     * rest; the reply as its header, then its body. The kernel holds the second pieces as between two processes.
     */
    private static long[] roundTrips(boolean noDelay, int n) throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = Clients.connect(listener.getLocalPort(), LIMIT);
             Socket server = listener.accept()) {
            server.setSoTimeout((int) LIMIT.toMillis());
            client.setTcpNoDelay(noDelay);
            server.setTcpNoDelay(noDelay);
            long[] us = new long[n];
            for (int i = 0; i < n; i++) {
                long start = System.nanoTime();
                writeInTwo(client, Article.REQUEST, Article.REQUEST_LINE.length);
                read(server, Article.REQUEST.length);
                writeInTwo(server, Article.RESPONSE, Article.RESPONSE.length - "Hello, world!".length());
                read(client, Article.RESPONSE.length);
                us[i] = (System.nanoTime() - start) / 1000;
            }
            return us;
        }
    }

    private static void writeInTwo(Socket socket, byte[] message, int split) throws IOException {
        socket.getOutputStream().write(message, 0, split);
        socket.getOutputStream().write(message, split, message.length - split);
    }

    private static void read(Socket socket, int length) throws IOException {
        if (socket.getInputStream().readNBytes(length).length < length) throw new EOFException("connection closed");
    }
}
