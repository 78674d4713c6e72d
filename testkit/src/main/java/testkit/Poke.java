package testkit;

import java.io.IOException;
import java.time.Duration;

/** The tests' misbehaving clients, by hand ({@code make client C=reset}): each says in one line what came back. */
public final class Poke {
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private Poke() {}

    public static void main(String[] args) {
        String usage = "usage: make client C=reset|half-close|flood|undecodable|dribble|idle [PORT=8080] [N=100]";
        if (args.length < 1 || args.length > 3) throw Cli.fail("client: " + usage);
        String range = " must be a number from %2$s to %3$s, not '%1$s'";
        int port = args.length > 1 ? Cli.intArg(args[1], 1, 65535, "client: port" + range) : 8080;
        int n = args.length > 2 ? Cli.intArg(args[2], 1, 19_000, "client: N" + range) : 100;
        try {
            switch (args[0]) {
                case "reset" -> {
                    Clients.resetAfter(port, Article.REQUEST, LIMIT);
                    System.out.println("sent a whole request, then reset the connection (RST) before reading"
                            + " the reply");
                }
                case "half-close" -> System.out.println("sent 'GET / HTTP/1.0\\r\\n' and shut down its sending side; "
                        + "received " + Clients.printable(Clients.halfClose(port, Article.REQUEST_LINE, LIMIT)));
                case "flood" -> {
                    FloodResult flood = Clients.flood(port, 256 << 20, Duration.ofSeconds(30));
                    System.out.printf("streamed %d bytes with no blank line; the server %s; received %d bytes%n",
                            flood.bytesSent(), flood.wasCutOff() ? "cut it off (" + flood.cutOff() + ")"
                                    : "did not cut it off within 30 s", flood.bytesReceived());
                }
                case "undecodable" -> System.out.println("sent 'GET /\\xff HTTP/1.0' (not UTF-8); received "
                        + Clients.printable(Clients.exchange(port, Article.undecodableRequest(), LIMIT)));
                case "dribble" -> System.out.println("sent a request one byte per write; received " + Clients.printable(
                        Clients.exchangeInSegments(port, Article.REQUEST, Article.REQUEST.length, LIMIT)));
                case "idle" -> {
                    try (IdleClients idle = Clients.openIdle(port, n, Duration.ofSeconds(60))) {
                        System.out.println("holding " + idle.size() + " idle connections to port " + port
                                + "; press Enter to close them");
                        try {
                            Await.until(Poke::enterPressed, Duration.ofMinutes(10), "Enter");
                        } catch (AssertionError tenMinutes) {
                            System.out.println("10 minutes passed: closing them");
                        }
                    }
                }
                default -> throw Cli.fail("client: " + usage);
            }
        } catch (IOException | AssertionError e) {
            throw Cli.fail("client: " + args[0] + " on 127.0.0.1:" + port + ": " + e.getMessage().split("\\R")[0]);
        }
    }

    private static boolean enterPressed() {
        try {
            return System.in.available() > 0;
        } catch (IOException closed) {
            return true;
        }
    }
}
