package bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import testkit.Article;
import testkit.Clients;

/**
 * nagle: request/response round trips on one persistent loopback connection where each side writes its message in
 * two small writes and then reads the other's (write-write-read), with Nagle on and with TCP_NODELAY on both sides.
 */
final class Nagle {
    /** Bounds each read; Nagle and a delayed ACK hold a message at most some 200 ms (TCP_DELACK_MAX). */
    private static final Duration LIMIT = Duration.ofSeconds(5);

    static void run(Settings s) throws IOException {
        Page.Data d = new Page.Data("nagle", s);
        int n = s.full() ? 200 : 40;
        Table raw = new Table("nagle", "round_trip", "rtt_us");
        Table t = new Table("Nagle", "round trips", "p50 ms", "p90 ms", "p99 ms", "max ms");
        double[] p50 = new double[2]; // on, off
        for (int off = 0; off < 2; off++) {
            String mode = off == 0 ? "on" : "off";
            Histogram h = LoadGen.newHistogram();
            for (int rep = 1; rep <= s.reps(); rep++) {
                for (long us : roundTrips(off == 1, n)) {
                    h.recordValue(us);
                    raw.add(mode, h.getTotalCount(), us);
                }
            }
            t.add(off == 0 ? "on (default)" : "off (TCP_NODELAY)", h.getTotalCount(),
                    Stream.of(50.0, 90.0, 99.0, 100.0).map(p -> h.getValueAtPercentile(p) / 1000.0).toList());
            p50[off] = h.getValueAtPercentile(50) / 1000.0;
            d.put(mode + ".p50", p50[off]);
        }
        raw.writeCsv(Page.file("nagle.csv"));
        d.put("table", t).put("ratio", p50[0] / p50[1]).put("n", n).save();
    }

    /**
     * {@code n} round trips in µs, both ends in this thread: the request goes as its first line, then the rest; the
     * reply as its header, then its body. The kernel holds the second pieces as between two processes.
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
                pass(client, server, Article.REQUEST, Article.REQUEST_LINE.length);
                pass(server, client, Article.RESPONSE, Article.RESPONSE.length - "Hello, world!".length());
                us[i] = (System.nanoTime() - start) / 1000;
            }
            return us;
        }
    }

    /** Writes {@code bytes} at one end in two writes, split at {@code split}, and reads them at the other. */
    private static void pass(Socket from, Socket to, byte[] bytes, int split) throws IOException {
        from.getOutputStream().write(bytes, 0, split);
        from.getOutputStream().write(bytes, split, bytes.length - split);
        if (to.getInputStream().readNBytes(bytes.length).length < bytes.length) {
            throw new EOFException("connection closed");
        }
    }
}
