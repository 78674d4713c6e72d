package bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import testkit.Proc;

/**
 * The one place that knows where things are and how to start them: the
 * servers under test (chapters, references, wire helpers) and the outside
 * programs (ab, strace, the wire client). Paths are relative to the repository
 * root, given as -Dbench.root (bench/run.sh passes it).
 */
final class Harness {
    static final Path ROOT = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
    static final Path TARGET = ROOT.resolve("bench/target");
    static final Path RESULTS = ROOT.resolve("bench/results");
    /** Servers' stderr goes here, to be shown if one fails to start. */
    static final Path TMP = RESULTS.resolve("tmp");
    /** The servers run on the JVM that runs the bench. */
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /** Servers still running, stopped on exit too (Ctrl-C included) so none outlives the bench. */
    private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
    }

    /** Every server the experiments start. */
    enum Server {
        CH2("chapter 2 (blocking loop)", "example2-loop"),
        CH3("chapter 3 (epoll, level-triggered)", "example3-epoll-lt"),
        CH4("chapter 4 (epoll, edge-triggered)", "example4-epoll-et"),
        CH5("chapter 5 (3 + TCP_CORK)", "example5-cork"),
        CH6("chapter 6 (3 + TCP_NODELAY)", "example6-nodelay"),
        C_REF("C epoll reference", null),
        NIO_REF("java.nio Selector reference", null),
        WIRE_PLAIN("two sends, Nagle on", "plain"),
        WIRE_CORK("two sends, TCP_CORK", "cork"),
        WIRE_NODELAY("two sends, TCP_NODELAY", "nodelay");

        final String label;
        private final String arg;

        Server(String label, String arg) {
            this.label = label;
            this.arg = arg;
        }

        boolean isChapter() {
            return name().startsWith("CH");
        }

        /** Null when built; otherwise what is missing. */
        String missing() {
            Path need = switch (this) {
                case C_REF -> TARGET.resolve("epoll-server");
                case NIO_REF -> TARGET.resolve("classes/bench/NioServer.class");
                case WIRE_PLAIN, WIRE_CORK, WIRE_NODELAY -> TARGET.resolve("wire");
                default -> ROOT.resolve(arg).resolve("target/classes/workbook/Server.class");
            };
            if (!Files.exists(need)) return ROOT.relativize(need) + " (run mvn -DskipTests package)";
            if (isChapter() && !Files.isDirectory(ROOT.resolve("epoll-jni/target/classes"))) return "epoll-jni/target/classes";
            return null;
        }

        /** The command line, with port 0 (the kernel picks) and the given backlog. */
        List<String> command(int backlog) {
            String b = Integer.toString(backlog);
            return switch (this) {
                case C_REF -> List.of(TARGET.resolve("epoll-server").toString(), "0", b);
                case NIO_REF -> List.of(JAVA, "-cp", TARGET.resolve("classes").toString(), "bench.NioServer", "0", b);
                case WIRE_PLAIN, WIRE_CORK, WIRE_NODELAY -> List.of(TARGET.resolve("wire").toString(), "serve", arg, "0", b);
                default -> List.of(JAVA, NATIVE_ACCESS, "-cp",
                        ROOT.resolve(arg).resolve("target/classes") + File.pathSeparator + ROOT.resolve("epoll-jni/target/classes"),
                        "workbook.Server", "0", b);
            };
        }

        /** The command as the page shows it: relative paths, "PORT" for the port. */
        String shown(int backlog) {
            List<String> shown = new ArrayList<>();
            for (String a : command(backlog)) {
                shown.add(a.equals(JAVA) ? "java" : a.replace(ROOT + File.separator, ""));
            }
            shown.set(shown.size() - 2, "PORT");
            return String.join(" ", shown);
        }
    }

    /** A started server: its pid and the port it listens on. Stopping it is closing it. */
    record Running(Server server, int backlog, Process process, long pid, int port) implements AutoCloseable {
        @Override
        public void close() {
            stop(process);
        }
    }

    /**
     * Starts a server with its stdout going to /dev/null (the chapters print every
     * request: that is their teaching output, not the thing measured) and waits
     * until it listens. The port is found from /proc (the socket the process holds
     * in LISTEN state), so no start-up line has to be read.
     */
    static Running start(Server server, int backlog) {
        String missing = server.missing();
        if (missing != null) throw new IllegalStateException(server.label + " is not built: missing " + missing);
        try {
            Files.createDirectories(TMP);
            Path err = TMP.resolve(server.name().toLowerCase() + ".stderr");
            Process p = new ProcessBuilder(server.command(backlog))
                    .directory(ROOT.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(err.toFile())
                    .start();
            LIVE.add(p);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(server.label + " exited with " + p.exitValue() + ": " + Files.readString(err).strip());
                }
                OptionalInt port = OptionalInt.empty();
                try {
                    port = Proc.listeningPort(p.pid());
                } catch (UncheckedIOException e) {
                    if (p.isAlive()) throw e; // /proc itself unreadable: say so, not "did not listen"
                    // else it exited meanwhile: the next round reports its exit code and stderr
                }
                if (port.isPresent()) return new Running(server, backlog, p, p.pid(), port.getAsInt());
                sleep(20);
            }
            stop(p);
            throw new IllegalStateException(server.label + " did not listen within 30 s");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, a grace period, then SIGKILL. */
    static void stop(Process p) {
        LIVE.remove(p);
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether a program is on the PATH. */
    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }

    /** Runs a program to its end (bounded) and returns its stdout and stderr. */
    static String capture(List<String> command, double timeoutSeconds) {
        try {
            Files.createDirectories(TMP);
            Path out = Files.createTempFile(TMP, "capture", ".out");
            try {
                Process p = new ProcessBuilder(command).directory(ROOT.toFile())
                        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor((long) (timeoutSeconds * 1000), TimeUnit.MILLISECONDS)) {
                    stop(p);
                    throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
                }
                String text = Files.readString(out);
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("exit " + p.exitValue() + " from " + String.join(" ", command) + ": " + text.strip());
                }
                return text;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A whole file as text; unchecked, for /proc files and the bench's own. */
    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A whole file as lines; unchecked, as {@link #read}. */
    static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Thread.sleep for the polls that have no event to wait on (a /proc figure, a file's content). */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A program under bench/target, by name. */
    static String tool(String name) {
        return TARGET.resolve(name).toString();
    }

    private Harness() {}
}
