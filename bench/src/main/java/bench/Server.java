package bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import testkit.ChapterProcess;

/**
 * Every server the experiments start, and its command line (port 0: the kernel picks; the port is then read from
 * /proc). They start through testkit's {@link ChapterProcess#startQuiet}, with stdout to /dev/null: the chapters print
 * every request, their teaching output, not the thing measured. Paths are relative to -Dbench.root (from bench/run.sh).
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
    NIO_REF("java.nio Selector reference", "bench"),
    TWO_SENDS("two sends, Nagle on", "plain"),
    TWO_SENDS_CORK("two sends, TCP_CORK", "cork"),
    TWO_SENDS_NODELAY("two sends, TCP_NODELAY", "nodelay");

    static final Path ROOT = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
    static final Path TARGET = ROOT.resolve("bench/target");
    static final String TCP_TOOLS = TARGET.resolve("tcp-tools").toString();
    private static final Path C_SERVER = TARGET.resolve("epoll-server");
    static final Jvm BENCH_JVM = new Jvm(ProcessHandle.current().info().command().orElse("java"), List.of(), false);

    /** Which java runs a JVM server, with which extra flags, from classes or jars (an AOT cache takes jars only). */
    record Jvm(String java, List<String> flags, boolean jars) {}

    final String label;
    /** A JVM server's module; the mode of the C reference's two-send variants. */
    private final String arg;

    Server(String label, String arg) {
        this.label = label;
        this.arg = arg;
    }

    boolean onJvm() {
        return this != C_REF && !name().startsWith("TWO_SENDS");
    }

    private String mainClass() {
        return this == NIO_REF ? "bench.NioServer" : "workbook.Server";
    }

    /** Null when built; otherwise what is missing. */
    String missing() {
        Path need = onJvm() ? classes(arg, false).resolve(mainClass().replace('.', '/') + ".class") : C_SERVER;
        return Files.exists(need) ? null
                : ROOT.relativize(need) + " (module " + (onJvm() ? arg : "bench") + ", not built)";
    }

    List<String> command(int backlog, Jvm jvm) {
        if (!onJvm()) return Stream.of(C_SERVER.toString(), "0", "" + backlog, arg).filter(Objects::nonNull).toList();
        boolean jars = jvm.jars() && this != NIO_REF; // the java.nio reference: bench's and testkit's classes
        String cp = classes(arg, jars) + File.pathSeparator + classes(this == NIO_REF ? "testkit" : "epoll-jni", jars);
        return Stream.of(List.of(jvm.java()), jvm.flags(), List.of("--enable-native-access=ALL-UNNAMED", "-cp", cp,
                mainClass(), "0", "" + backlog)).flatMap(List::stream).toList();
    }

    private static Path classes(String module, boolean jar) {
        return ROOT.resolve(module).resolve(jar ? "target/" + module + "-1.0-SNAPSHOT.jar" : "target/classes");
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
