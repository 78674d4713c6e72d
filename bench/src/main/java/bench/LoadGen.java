package bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import testkit.Article;
import testkit.Cli;

/**
 * An ApacheBench-like load generator (HTTP/1.0, a fresh connection per request) on non-blocking Selectors: a request
 * unfinished at its deadline (say, a SYN dropped by a full accept queue, retried 1 s later) counts as a timeout.
 */
public final class LoadGen {
    static final int DEFAULT_THREADS = 2;
    private static final String USAGE = "usage: LoadGen [-c concurrency (1)] [-n requests (1) | -t seconds]"
            + " [-s deadline-seconds (30, as ab)] [-w threads (2, up to c)] [-p padding-bytes] http://127.0.0.1:PORT/";

    /** What to run: -n mode if {@code requests > 0}, else for {@code durationNanos}; {@code label} names the run. */
    public record Config(InetSocketAddress target, int concurrency, long requests, long durationNanos,
                         long deadlineNanos, int threads, String label, int padding) {
        public Config {
            boolean loopback = !target.isUnresolved() && target.getAddress().isLoopbackAddress();
            require(loopback, "this generator only loads this machine's loopback addresses, not " + target);
            require(concurrency >= 1 && threads >= 1 && threads <= concurrency, "need 1 <= threads <= concurrency");
            require((requests > 0) != (durationNanos > 0), "give either a request count or a duration");
        }

        /**
         * c in flight for 1 s, ab's 30 s deadline, two worker threads (one for c=1): most of a client's cost is the
         * kernel's TCP work, which one thread cannot spread over both cores (ab, with one, saturates one core).
         */
        static Config of(int concurrency) {
            return new Config(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), concurrency, 0, nanos(1),
                    nanos(30), Math.min(DEFAULT_THREADS, concurrency), "c=" + concurrency, 0);
        }

        Config port(int port) {
            InetSocketAddress to = new InetSocketAddress(target.getAddress(), port);
            return new Config(to, concurrency, requests, durationNanos, deadlineNanos, threads, label, padding);
        }

        Config requests(long n) {
            return new Config(target, concurrency, n, 0, deadlineNanos, threads, label, padding);
        }

        Config seconds(double s) {
            return new Config(target, concurrency, 0, nanos(s), deadlineNanos, threads, label, padding);
        }

        Config deadline(double s) {
            return new Config(target, concurrency, requests, durationNanos, nanos(s), threads, label, padding);
        }

        Config threads(int n) {
            return new Config(target, concurrency, requests, durationNanos, deadlineNanos, n, label, padding);
        }

        Config label(String l) {
            return new Config(target, concurrency, requests, durationNanos, deadlineNanos, threads, l, padding);
        }

        Config padding(int bytes) {
            return new Config(target, concurrency, requests, durationNanos, deadlineNanos, threads, label, bytes);
        }

        /** The same load as a command line, for the page. */
        String cli() {
            String load = requests > 0 ? " -n " + requests : " -t " + Cli.plain(durationNanos / 1e9);
            return "bench.LoadGen -c " + concurrency + load + " -s " + Cli.plain(deadlineNanos / 1e9) + " -w " + threads
                    + (padding > 0 ? " -p " + padding : "") + " http://127.0.0.1:PORT/";
        }

        private static long nanos(double seconds) {
            return (long) (seconds * 1e9);
        }

        private static void require(boolean ok, String message) {
            if (!ok) throw new IllegalArgumentException(message);
        }
    }

    /** What happened: outcome counts, latency of OK replies (µs, connect() to end of stream), the rate. */
    public static final class Result {
        final long[] counts = new long[Outcome.values().length];
        final Histogram latency = newHistogram();
        long elapsedNanos; // from the first request's start to the last one's end
        long windowNanos; // -n mode: the whole run; duration mode: the window in which new requests were started
        long okInWindow;

        long count(Outcome o) {
            return counts[o.ordinal()];
        }

        long total() {
            return Arrays.stream(counts).sum();
        }

        long errors() {
            return total() - count(Outcome.OK);
        }

        /** OK replies per second of the window: requests let finish after it count but do not stretch it. */
        double rate() {
            return okInWindow * 1e9 / windowNanos;
        }

        /** Latency percentile in milliseconds, 100 for the maximum (0 when nothing succeeded). */
        double ms(double percentile) {
            return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1000.0;
        }

        /** OK replies that took at least this long: 900 ms catches those that waited out a SYN retransmit. */
        long countAtLeastMs(double ms) {
            return latency.getCountBetweenValues((long) (ms * 1000), latency.getMaxValue()); // 0 above the maximum
        }

        void add(Result other) {
            Arrays.setAll(counts, i -> counts[i] + other.counts[i]);
            latency.add(other.latency);
            okInWindow += other.okInWindow;
        }

        /** "12 connect timeout, 3 reset" or "none". */
        String errorSummary() {
            return Arrays.stream(Outcome.values()).filter(o -> o != Outcome.OK && count(o) > 0)
                    .map(o -> count(o) + " " + o.label).reduce((a, b) -> a + ", " + b).orElse("none");
        }
    }

    /** What ab sends, give or take the agent's name, direct; {@code padding} bytes of an extra header lengthen it. */
    static ByteBuffer request(Config c) {
        String padding = c.padding() > 0 ? "X-Padding: " + "x".repeat(c.padding()) + "\r\n" : "";
        byte[] b = Article.ascii("GET / HTTP/1.0\r\nHost: " + c.target().getHostString() + ":" + c.target().getPort()
                + "\r\nUser-Agent: bench\r\nAccept: */*\r\n" + padding + "\r\n");
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    /** A reply read to end of stream ({@code got}, flipped): the article's bytes are OK, a prefix SHORT, else WRONG. */
    static Outcome judge(ByteBuffer got) {
        int at = got.mismatch(NioServer.RESPONSE);
        return at < 0 ? Outcome.OK : at == got.remaining() ? Outcome.SHORT : Outcome.WRONG; // longer: at == 114
    }

    static Histogram newHistogram() {
        return new Histogram(3_600_000_000L, 3); // µs: up to an hour, 3 significant digits
    }

    /** Runs the load, printing nothing, and blocks until every request has ended (OK, error or deadline). */
    public static Result run(Config config) {
        long start = System.nanoTime();
        long windowEnd = config.requests() > 0 ? Long.MAX_VALUE : start + config.durationNanos();
        AtomicLong toStart = new AtomicLong(config.requests() > 0 ? config.requests() : Long.MAX_VALUE);
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < config.threads(); i++) workers.add(new Worker(config, i, windowEnd, toStart));
        CompletableFuture.allOf(workers.stream()
                .map(w -> CompletableFuture.runAsync(w, r -> new Thread(r, "loadgen").start())) // a thread each
                .toArray(CompletableFuture[]::new)).join(); // rethrows a worker's failure
        Result total = new Result();
        workers.forEach(w -> total.add(w.result));
        total.elapsedNanos = Math.max(0, workers.stream().mapToLong(w -> w.lastEnd).max().orElseThrow() - start);
        total.windowNanos = config.requests() > 0 ? total.elapsedNanos : config.durationNanos();
        return total;
    }

    /** One thread's share of the slots (requests in flight), driven through one Selector. */
    private static final class Worker implements Runnable {
        private static final long SCAN_NANOS = 20_000_000; // 20 ms
        private final Config config;
        private final long windowEnd;
        private final AtomicLong toStart;
        private final List<Slot> slots = new ArrayList<>();
        private final List<Slot> free = new ArrayList<>();
        final Result result = new Result();
        long lastEnd; // 0 until a request ends
        private Selector selector;
        private int busy;

        /** One request in flight; slots are reused, channels are not. */
        private final class Slot {
            final ByteBuffer request = request(config);
            final ByteBuffer reply = ByteBuffer.allocateDirect(Article.RESPONSE.length + 1); // +1 spots a longer reply
            SocketChannel channel;
            long start;
            boolean connected;
        }

        Worker(Config config, int index, long windowEnd, AtomicLong toStart) {
            this.config = config;
            this.windowEnd = windowEnd;
            this.toStart = toStart;
            for (int i = index; i < config.concurrency(); i += config.threads()) slots.add(new Slot());
            free.addAll(slots);
        }

        @Override
        public void run() {
            try (Selector open = selector = Selector.open()) {
                startFree();
                long nextScan = System.nanoTime() + SCAN_NANOS;
                while (busy > 0) {
                    selector.select(this::ready, Math.max(1, (nextScan - System.nanoTime()) / 1_000_000));
                    long now = System.nanoTime();
                    if (now >= nextScan) {
                        slots.stream().filter(s -> s.channel != null && now - s.start >= config.deadlineNanos())
                                .forEach(s -> end(s, s.connected ? Outcome.READ_TIMEOUT : Outcome.CONNECT_TIMEOUT));
                        nextScan = now + SCAN_NANOS;
                    }
                    startFree(); // after select returns, so that a failing connect() cannot spin
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void startFree() {
            while (!free.isEmpty()) {
                Slot s = free.remove(free.size() - 1);
                long now = System.nanoTime();
                if (now >= windowEnd || toStart.getAndDecrement() <= 0) continue; // this slot retires
                busy++;
                s.start = now;
                s.request.rewind();
                s.reply.clear();
                try {
                    s.channel = SocketChannel.open();
                    s.channel.configureBlocking(false);
                    s.connected = s.channel.connect(config.target()); // never at once on Linux: EINPROGRESS
                    s.channel.register(selector, s.connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, s);
                } catch (IOException e) {
                    end(s, Outcome.CONNECT_ERROR);
                }
            }
        }

        private void ready(SelectionKey key) {
            Slot s = (Slot) key.attachment();
            if (key.channel() != s.channel) return; // the request ended earlier in this round
            try {
                if (s.connected ? key.isWritable() : s.channel.finishConnect()) {
                    s.connected = true;
                    s.channel.write(s.request);
                    // A fresh socket takes ~80 bytes at once; OP_WRITE only in the unlikely other case.
                    key.interestOps(s.request.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                } else if (key.isReadable()) { // never while connecting: the key's interest is OP_CONNECT alone
                    int n = s.channel.read(s.reply);
                    while (n > 0 && s.reply.hasRemaining()) n = s.channel.read(s.reply);
                    if (n < 0) end(s, judge(s.reply.flip())); // end of stream
                    if (n > 0) end(s, Outcome.WRONG); // a full buffer: more bytes than the expected reply
                }
            } catch (IOException e) { // finishConnect's ConnectException comes before connected is set
                end(s, s.connected ? Outcome.RESET : Outcome.CONNECT_ERROR);
            }
        }

        private void end(Slot s, Outcome outcome) {
            long now = System.nanoTime();
            try {
                if (s.channel != null) s.channel.close(); // also cancels the key
            } catch (IOException ignored) { // the outcome is already decided
            }
            s.channel = null;
            result.counts[outcome.ordinal()]++;
            if (outcome == Outcome.OK) {
                result.latency.recordValue(Math.min((now - s.start) / 1000, result.latency.getHighestTrackableValue()));
                if (now <= windowEnd) result.okInWindow++;
            }
            lastEnd = now;
            busy--;
            free.add(s);
        }
    }

    /** The command line: {@link #USAGE}, then ab's kind of report; a bad argument is one line on stderr. */
    public static void main(String[] args) {
        var opt = new HashMap<>(Map.of("-c", "1", "-s", "30", "-w", "" + DEFAULT_THREADS, "-p", "0"));
        for (int i = 0; i + 1 < args.length; i += 2) opt.put(args[i], args[i + 1]);
        boolean ok = args.length % 2 == 1 && opt.keySet().stream().allMatch(o -> o.matches("-[cntswp]"));
        if (!ok || args[args.length - 1].startsWith("-")) throw Cli.fail(USAGE);
        try {
            URI uri = URI.create(args[args.length - 1]);
            if (!"http".equals(uri.getScheme()) || uri.getPort() < 0) throw Cli.fail("need http://HOST:PORT/: " + uri);
            String range = " '%s': expected %s..%s";
            int c = Cli.intArg(opt.get("-c"), 1, 100_000, "bad concurrency" + range);
            int n = opt.containsKey("-n") ? Cli.intArg(opt.get("-n"), 1, Integer.MAX_VALUE, "bad requests" + range) : 0;
            double t = opt.containsKey("-t") ? Cli.doubleArg(opt.get("-t"), 0.1, 3600, "bad seconds" + range) : 0;
            double deadline = Cli.doubleArg(opt.get("-s"), 0.1, 3600, "bad deadline seconds" + range);
            int threads = Math.min(c, Cli.intArg(opt.get("-w"), 1, 64, "bad threads" + range));
            int padding = Cli.intArg(opt.get("-p"), 0, 1 << 20, "bad padding bytes" + range);
            Result r = run(new Config(new InetSocketAddress(uri.getHost(), uri.getPort()), c, n == 0 && t == 0 ? 1 : n,
                    Config.nanos(t), Config.nanos(deadline), threads, "c=" + c, padding));
            System.out.printf(Locale.ROOT, """
                    Concurrency:          %d (%d worker thread%s)
                    Requests:             %,d ended in %.3f s
                    OK replies:           %,d
                    Errors:               %s
                    Requests per second:  %,.1f (OK replies)
                    Latency (ms):         p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f
                    """, c, threads, threads == 1 ? "" : "s", r.total(), r.elapsedNanos / 1e9, r.count(Outcome.OK),
                    r.errorSummary(), r.rate(), r.ms(50), r.ms(90), r.ms(99), r.ms(99.9), r.ms(100));
        } catch (IllegalArgumentException e) { // a malformed URL, a host that is not loopback, both -n and -t
            throw Cli.fail(e.getMessage());
        }
    }

    private LoadGen() {}
}
