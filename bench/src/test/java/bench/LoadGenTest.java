package bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import testkit.Article;

/** The generator's counting, against small servers that misbehave on purpose. No timing is asserted. */
class LoadGenTest {

    /** A one-thread server on loopback: connection i gets reply(i), then the server closes it (or keeps it silent when null). */
    private static final class ScriptedServer implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger served = new AtomicInteger();
        final Thread thread;

        ScriptedServer(IntFunction<byte[]> reply) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket c = socket.accept();
                        int i = served.getAndIncrement();
                        readRequest(c.getInputStream());
                        byte[] r = reply.apply(i);
                        if (r == null) continue; // leave it silent (closed with the server socket's test)
                        try (c; OutputStream out = c.getOutputStream()) {
                            out.write(r);
                        }
                    } catch (IOException e) {
                        // closed: the test is over
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void readRequest(InputStream in) throws IOException {
        byte[] buf = new byte[1024];
        int len = 0;
        while (!NioServer.hasEol(buf, len)) {
            int n = in.read(buf, len, buf.length - len);
            if (n < 0) return;
            len += n;
        }
    }

    /** The deliberate failures below are counted, not printed (the library prints nothing): a passing build says nothing alarming. */
    private static LoadGen.Config load(int port, int concurrency, long requests, double deadline) {
        return LoadGen.Config.of(concurrency).port(port).requests(requests).deadline(deadline);
    }

    @Test
    void withersChangeOneFieldEach() {
        LoadGen.Config c = LoadGen.Config.of(100);
        assertThat(c.threads()).isEqualTo(2);
        assertThat(LoadGen.Config.of(1).threads()).isEqualTo(1);
        assertThat(c.seconds(1.5).cli()).isEqualTo("bench.LoadGen -c 100 -t 1.5 -s 30 -w 2 http://127.0.0.1:PORT/");
        assertThat(c.requests(20_000).padding(4000).deadline(3.5).threads(1).cli())
                .isEqualTo("bench.LoadGen -c 100 -n 20000 -s 3.5 -w 1 -p 4000 http://127.0.0.1:PORT/");
        assertThat(c.port(8080).label("x")).isEqualTo(new LoadGen.Config(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 8080), 100, 0, 1_000_000_000L, 30_000_000_000L, 2,
                "x", 0));
    }

    @Test
    void countsOkShortAndWrongRepliesApart() throws IOException {
        byte[] shortReply = Arrays.copyOf(Article.RESPONSE, 50);
        byte[] wrong = Article.RESPONSE.clone();
        wrong[9] = '5';
        byte[] longer = Arrays.copyOf(Article.RESPONSE, Article.RESPONSE.length + 3);
        try (ScriptedServer server = new ScriptedServer(i -> switch (i % 4) {
            case 0 -> Article.RESPONSE;
            case 1 -> shortReply;
            case 2 -> wrong;
            default -> longer;
        })) {
            LoadGen.Result r = LoadGen.run(load(server.port(), 4, 40, 10));
            assertThat(r.total()).isEqualTo(40);
            assertThat(r.count(Outcome.OK)).isEqualTo(10);
            assertThat(r.count(Outcome.SHORT)).isEqualTo(10);
            assertThat(r.count(Outcome.WRONG)).isEqualTo(20);
            assertThat(r.latency.getTotalCount()).as("only OK replies are timed").isEqualTo(10);
            assertThat(r.errorSummary()).isEqualTo("10 short reply, 20 wrong reply");
        }
    }

    @Test
    void aSilentServerEndsInReadTimeoutsNotAStall() throws IOException {
        try (ScriptedServer server = new ScriptedServer(i -> null)) {
            LoadGen.Result r = LoadGen.run(load(server.port(), 2, 4, 0.2));
            assertThat(r.count(Outcome.READ_TIMEOUT)).isEqualTo(4);
            assertThat(r.rate()).isZero();
        }
    }

    @Test
    void aClosedPortIsAConnectError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        LoadGen.Result r = LoadGen.run(load(port, 3, 6, 5));
        assertThat(r.count(Outcome.CONNECT_ERROR)).isEqualTo(6);
        assertThat(r.errors()).isEqualTo(6);
    }

    @Test
    void resultsAddUpAcrossWorkersAndKeepPercentiles() {
        LoadGen.Result a = new LoadGen.Result();
        LoadGen.Result b = new LoadGen.Result();
        for (int us = 1; us <= 1000; us++) (us % 2 == 0 ? a : b).latency.recordValue(us * 1000L);
        a.counts[Outcome.OK.ordinal()] = 500;
        b.counts[Outcome.OK.ordinal()] = 500;
        b.counts[Outcome.RESET.ordinal()] = 7;
        a.okInWindow = 400;
        b.okInWindow = 450;
        LoadGen.Result sum = new LoadGen.Result();
        sum.add(a);
        sum.add(b);
        sum.windowNanos = 2_000_000_000L;
        assertThat(sum.total()).isEqualTo(1007);
        assertThat(sum.errors()).isEqualTo(7);
        assertThat(sum.rate()).isEqualTo(425.0);
        // 1..1000 ms: HdrHistogram keeps 3 significant digits.
        assertThat(sum.ms(50)).isCloseTo(500, org.assertj.core.data.Percentage.withPercentage(0.2));
        assertThat(sum.ms(99)).isCloseTo(990, org.assertj.core.data.Percentage.withPercentage(0.2));
        assertThat(sum.ms(100)).isCloseTo(1000, org.assertj.core.data.Percentage.withPercentage(0.2))
                .isEqualTo(sum.latency.getMaxValue() / 1000.0);
    }

    @Test
    void refusesAnythingButLoopback() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LoadGen.Config(
                new java.net.InetSocketAddress("192.0.2.1", 80), 1, 1, 0, 1, 1, "x", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
