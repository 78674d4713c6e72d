package bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import testkit.ChapterProcess;

/**
 * Every server the experiments start, and its command line (port 0: the kernel picks; the port is
 * then read from /proc). They start through testkit's {@link ChapterProcess#startQuiet}, with stdout
 * to /dev/null: the chapters print every request, their teaching output, not the thing measured.
 * Paths are relative to the repository root, -Dbench.root (bench/run.sh passes it).
 */
enum Server {
    CH2("chapter 2 (blocking loop)", "example2-loop"),
    CH3("chapter 3 (epoll, level-triggered)", "example3-epoll-lt"),
    CH4("chapter 4 (epoll, edge-triggered)", "example4-epoll-et"),
    CH5("chapter 5 (3 + TCP_CORK)", "example5-cork"),
    CH6("chapter 6 (3 + TCP_NODELAY)", "example6-nodelay"),
    SELECT("chapter 3 on select", "appendix-select"),
    POLL("chapter 3 on poll", "appendix-poll"),
    C_REF("C epoll reference", null),
    NIO_REF("java.nio Selector reference", null),
    TWO_SENDS("two sends, Nagle on", "plain"),
    TWO_SENDS_CORK("two sends, TCP_CORK", "cork"),
    TWO_SENDS_NODELAY("two sends, TCP_NODELAY", "nodelay");

    static final Path ROOT = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
    static final Path TARGET = ROOT.resolve("bench/target");
    /** The bench's C helper (see tcp_tools.c). */
    static final String TCP_TOOLS = TARGET.resolve("tcp-tools").toString();
    private static final Path C_SERVER = TARGET.resolve("epoll-server");
    /** By default the servers run on the JVM that runs the bench. */
    static final Jvm BENCH_JVM = new Jvm(ProcessHandle.current().info().command().orElse("java"), List.of(), false);

    /** Which java runs a JVM server, with which extra flags, from classes or jars (an AOT cache takes jars only). */
    record Jvm(String java, List<String> flags, boolean jars) {}

    final String label;
    /** The module of a chapter; the mode of the C reference's two-send variants. */
    private final String arg;

    Server(String label, String arg) {
        this.label = label;
        this.arg = arg;
    }

    boolean onJvm() {
        return this != C_REF && !name().startsWith("TWO_SENDS");
    }

    /** Null when built; otherwise what is missing. */
    String missing() {
        Path need = switch (this) {
            case NIO_REF -> TARGET.resolve("classes/bench/NioServer.class");
            case C_REF, TWO_SENDS, TWO_SENDS_CORK, TWO_SENDS_NODELAY -> C_SERVER;
            default -> ROOT.resolve(arg).resolve("target/classes/workbook/Server.class");
        };
        String module = need.startsWith(TARGET) ? "bench" : arg;
        return Files.exists(need) ? null : ROOT.relativize(need) + " (module " + module + ", not built)";
    }

    List<String> command(int backlog, Jvm jvm) {
        String b = Integer.toString(backlog);
        List<String> c = new ArrayList<>();
        if (onJvm()) {
            c.add(jvm.java());
            c.addAll(jvm.flags());
            c.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp"));
        }
        c.addAll(switch (this) {
            case C_REF -> List.of(C_SERVER.toString(), "0", b);
            case TWO_SENDS, TWO_SENDS_CORK, TWO_SENDS_NODELAY -> List.of(C_SERVER.toString(), "0", b, arg);
            case NIO_REF -> List.of(TARGET.resolve("classes") + File.pathSeparator + ROOT.resolve("testkit/target/classes"),
                    "bench.NioServer", "0", b);
            default -> List.of(jvm.jars() ? jar(arg) + File.pathSeparator + jar("epoll-jni")
                    : ROOT.resolve(arg).resolve("target/classes") + File.pathSeparator + ROOT.resolve("epoll-jni/target/classes"),
                    "workbook.Server", "0", b);
        });
        return c;
    }

    private static Path jar(String module) {
        return ROOT.resolve(module).resolve("target").resolve(module + "-1.0-SNAPSHOT.jar");
    }

    /** The command as the page shows it: relative paths, "PORT" for the port, "java" for the bench's JVM. */
    String shown(int backlog) {
        return shown(backlog, BENCH_JVM);
    }

    String shown(int backlog, Jvm jvm) {
        return String.join(" ", command(backlog, jvm)).replace(ROOT + File.separator, "")
                .replace(BENCH_JVM.java(), "java").replaceFirst(" 0 (\\d+)( \\w+)?$", " PORT $1$2") + " > /dev/null";
    }

    Running start(int backlog) {
        return start(backlog, BENCH_JVM);
    }

    Running start(int backlog, Jvm jvm) {
        if (missing() != null) throw new IllegalStateException("missing " + missing());
        return new Running(this, backlog, ChapterProcess.startQuiet(command(backlog, jvm)));
    }

    /** A started server; closing it kills it. */
    record Running(Server server, int backlog, ChapterProcess process) implements AutoCloseable {
        long pid() {
            return process.pid();
        }

        int port() {
            return process.port();
        }

        @Override
        public void close() {
            process.close();
        }
    }
}
