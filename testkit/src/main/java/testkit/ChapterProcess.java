package testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A server (a chapter or any program) as a child process, killed at the end whatever happened: the one way tests and
 * bench start, await and stop one. A process, not a thread: a chapter prints, may exit or hang, and its fds and CPU
 * time show in /proc on their own. A chapter runs under -Xcheck:jni on this JVM's java and class path ({@value
 * #CLASS_PATH_PROPERTY}, if set: a lab's patched copy). Every wait is bounded and fails showing what the child printed.
 */
public final class ChapterProcess implements AutoCloseable {

    public static final String CLASS_PATH_PROPERTY = "testkit.chapter.classpath";
    public static final Duration START_LIMIT = Duration.ofSeconds(20); // JVM start-up is slow on a busy machine
    public static final Duration KILL_LIMIT = Duration.ofSeconds(10); // for a kill, kill(1) or jcmd
    private static final int SHOWN_CHARS = 4000; // per stream in a failure message: the last, where the news is
    /** A whole line: a half-written line must not yield half a port. */
    private static final Pattern STARTUP_LINE = Pattern.compile("(?m)^listening on \\S+:(\\d+) \\(backlog \\d+\\)\\R");
    /** What -Xcheck:jni (the first) and JDK 22+ native-access checks (the others) print. */
    private static final Pattern JNI_WARNING =
            Pattern.compile("WARNING in native method|WARNING: (A restricted method|Use --enable-native-access)");
    static { // children still running at exit are killed: a test that forgets close() must not leave a server on
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().children()
                .forEach(ProcessHandle::destroyForcibly), "testkit-kill-children"));
    }

    private final String commandLine;
    private final Path syscallLog;
    private final Process process;
    /** Files, not pipes: a pipe that fills (64 KiB) blocks the child until read; a file never does. Null: discarded. */
    private final Path stdout;
    private final Path stderr;
    private int port = -1;

    private ChapterProcess(Launcher launcher, List<String> jvm, List<String> program, boolean quiet) {
        commandLine = launcher.label + String.join(" ", program);
        syscallLog = launcher.syscallLog;
        stdout = quiet ? null : tempFile("testkit-stdout-");
        stderr = tempFile("testkit-stderr-");
        List<String> command = Stream.of(launcher.prefix, jvm, program).flatMap(List::stream).toList();
        try {
            process = new ProcessBuilder(command).redirectError(stderr.toFile())
                    .redirectOutput(quiet ? Redirect.DISCARD : Redirect.to(stdout.toFile())).start();
            process.getOutputStream().close(); // servers read no stdin: give them end of file
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0)
                    + (command.get(0).equals("strace") ? " (apt-get install strace)" : ""), e);
        }
    }

    private static ChapterProcess launch(Launcher launcher, String mainClass, String... args) {
        return new ChapterProcess(launcher, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xcheck:jni", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty(CLASS_PATH_PROPERTY, System.getProperty("java.class.path"))),
                Stream.concat(Stream.of(mainClass), Stream.of(args)).toList(), false);
    }

    /** Starts {@code mainClass} (a chapter's args: "0" for a free port, a backlog); its port from its start-up line. */
    public static ChapterProcess start(Launcher launcher, String mainClass, String... args) {
        return awaitPort(launch(launcher, mainClass, args), "the start-up line \"listening on ...\"", child ->
                STARTUP_LINE.matcher(child.stdout()).results().mapToInt(line -> Integer.parseInt(line.group(1)))
                        .findFirst().orElse(-1));
    }

    /** Starts any server as the bench does: stdout to /dev/null (printing costs CPU), the port from /proc. */
    public static ChapterProcess startQuiet(List<String> command) {
        return awaitPort(new ChapterProcess(Launcher.PLAIN, List.of(), command, true), "a listening socket", child -> {
            try {
                return Proc.listeningPort(child.pid()).orElse(-1);
            } catch (UncheckedIOException exited) {
                return -1;
            }
        });
    }

    /** Starts a helper program that runs alongside (perf, say) and waits for nothing; {@link #close} ends it. */
    public static ChapterProcess startHelper(List<String> command) {
        return new ChapterProcess(Launcher.PLAIN, List.of(), command, false);
    }

    /** Waits until {@code port} finds the child's port (not -1) or the child exits; kills the child on failure. */
    private static ChapterProcess awaitPort(ChapterProcess child, String what, ToIntFunction<ChapterProcess> port) {
        try {
            Await.until(() -> port.applyAsInt(child) >= 0 || !child.isAlive(), START_LIMIT,
                    () -> what + "\n" + child.describe());
            child.port = port.applyAsInt(child);
            if (child.port >= 0) return child;
            child.awaitExit(KILL_LIMIT); // it is exiting: wait for the exit code
            throw new AssertionError("exited without " + what + "\n" + child.describe());
        } catch (RuntimeException | Error e) {
            try (child) { // kills it; a failure to close is added to e as suppressed
                throw e;
            }
        }
    }

    /** A chapter that should exit by itself (bad arguments, a busy port): see {@link #run(Duration, List)}. */
    public static Finished run(Duration limit, String mainClass, String... args) {
        return finish(launch(Launcher.PLAIN, mainClass, args), limit);
    }

    /** Runs a program that exits by itself; fails with its output, and kills it, if it outlasts {@code limit}. */
    public static Finished run(Duration limit, List<String> command) {
        return finish(startHelper(command), limit);
    }

    private static Finished finish(ChapterProcess child, Duration limit) {
        try (child) {
            return new Finished(child.awaitExit(limit), child.stdout(), child.stderr());
        }
    }

    /** As {@link #run(Duration, List)}, for a helper program that must succeed: its stdout. */
    public static String output(Duration limit, List<String> command) {
        Finished f = run(limit, command);
        if (f.exitCode() == 0) return f.stdout();
        throw new AssertionError(String.join(" ", command) + " failed (exit " + f.exitCode() + "): "
                + f.stdout() + f.stderr());
    }

    public record Finished(int exitCode, String stdout, String stderr) {}

    /** The port it listens on (the real one, when started with port 0). */
    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the child printed so far (UTF-8; malformed bytes as U+FFFD). */
    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    private static String read(Path file) {
        try {
            return file == null ? "" : new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String awaitStdout(String needle, Duration limit) {
        return await(stdout, "stdout", needle, 1, limit);
    }

    /** Waits until stdout holds {@code needle} {@code times} times and returns it; fails at once if the child exits. */
    public String awaitStdout(String needle, int times, Duration limit) {
        return await(stdout, "stdout", needle, times, limit);
    }

    /** On stderr: the child may print after the client saw its reply or hang-up, so wait, never read once. */
    public String awaitStderr(String needle, Duration limit) {
        return await(stderr, "stderr", needle, 1, limit);
    }

    private String await(Path file, String name, String needle, int times, Duration limit) {
        String wanted = times + " x \"" + needle + "\" on " + name;
        Predicate<String> enough = text -> text.split(Pattern.quote(needle), -1).length > times;
        Await.until(() -> enough.test(read(file)) || !isAlive(), limit, () -> wanted + "\n" + describe());
        String text = read(file); // all of it once the child has exited
        if (enough.test(text)) return text;
        throw new AssertionError("the process exited before " + wanted + "\n" + describe());
    }

    public int awaitExit(Duration limit) {
        Await.until(() -> !process.isAlive(), limit, () -> "the process to exit\n" + describe());
        return process.exitValue();
    }

    /** {@code kill -s NAME}: STOP freezes it (the kernel still does handshakes and queues bytes), INT is Ctrl-C. */
    public void signal(String name) {
        output(KILL_LIMIT, List.of("kill", "-s", name, Long.toString(pid())));
        if (!name.equals("STOP")) return;
        // kill returns once the signal is queued; a busy machine may let a thread run on a moment longer.
        Await.until(() -> Proc.allThreadsStopped(pid()), KILL_LIMIT, () -> "every thread stopped\n" + describe());
    }

    /** Bytes in byte arrays reachable in the child's heap after a full collection: where a chapter keeps requests. */
    public long liveByteArrayBytes() {
        // A line reads "   1:   9101   408552  [B (java.base@17.0.15)": number, instances, bytes, class.
        return heapHistogram("\\d+:\\s+\\d+\\s+\\d+\\s+\\[B( .*)?");
    }

    /** All bytes still reachable in the child's heap: the histogram's last line, "Total  INSTANCES  BYTES". */
    public long liveHeapBytes() {
        return heapHistogram("Total\\s+\\d+\\s+\\d+");
    }

    /** The bytes (third field) of the first line matching {@code line} of {@code jcmd PID GC.class_histogram}. */
    private long heapHistogram(String line) {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        String histogram = output(KILL_LIMIT, List.of(jcmd, Long.toString(pid()), "GC.class_histogram"));
        return histogram.lines().map(String::trim).filter(l -> l.matches(line))
                .mapToLong(l -> Long.parseLong(l.split("\\s+")[2])).findFirst()
                .orElseThrow(() -> new AssertionError("no line /" + line + "/ in the heap histogram:\n" + histogram));
    }

    /** The lines strace wrote so far ({@link Launcher#strace}): {@code PID call(arguments) = result}. */
    public List<String> syscalls() {
        if (syscallLog == null) throw new IllegalStateException("not started under strace: use Launcher.strace");
        return read(syscallLog).lines().toList();
    }

    /** Lines with a JNI or native-access warning: -Xcheck:jni prints them and fails nothing, so assert none. */
    public List<String> jniWarnings() {
        return jniWarnings(stdout() + "\n" + stderr());
    }

    static List<String> jniWarnings(String output) {
        return output.lines().filter(JNI_WARNING.asPredicate()).toList();
    }

    /** Kills the child (SIGKILL: a hung server cannot delay it) and waits for it to be gone; output stays readable. */
    @Override
    public void close() { // a second close finds it gone at once
        process.destroyForcibly();
        awaitExit(KILL_LIMIT);
    }

    String describe() {
        String state = process.isAlive() ? "running" : "exit code " + process.exitValue();
        return "process " + pid() + " (" + state + "): " + commandLine + "\n--- stdout ---\n" + tail(stdout())
                + "\n--- stderr ---\n" + tail(stderr()) + "\n--- end ---";
    }

    private static String tail(String text) {
        int cut = text.length() - SHOWN_CHARS;
        return cut <= 0 ? text : "[... " + cut + " characters before ...]\n" + text.substring(cut);
    }

    /** A file for a child's output or strace's log, deleted when this JVM exits. */
    private static Path tempFile(String prefix) {
        try {
            Path file = Files.createTempFile(prefix, ".txt");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "ChapterProcess[pid " + pid() + ", port " + port + ": " + commandLine + "]";
    }

    /** What runs a chapter's JVM: {@code prefix} ends by exec'ing it, so that the chapter keeps the pid we see. */
    public record Launcher(List<String> prefix, String label, Path syscallLog) {
        public static final Launcher PLAIN = new Launcher(List.of(), "", null);
        /** Ctrl-C's default disposition: a JVM started in the background by a shell without job control ignores it. */
        public static final Launcher DEFAULT_SIGINT = new Launcher(List.of("env", "--default-signal=INT"), "", null);

        /** Under {@code ulimit -n} (soft and hard: the JVM raises its soft limit at start-up, up to the hard one). */
        public static Launcher openFileLimit(int openFiles) {
            if (openFiles <= 0) throw new IllegalArgumentException("open-file limit " + openFiles);
            return new Launcher(List.of("/bin/sh", "-c", "ulimit -n \"$0\" && exec \"$@\"", String.valueOf(openFiles)),
                    "[ulimit -n " + openFiles + "] ", null);
        }

        /** Traces those calls ("setsockopt,sendto"): -D makes strace a grandchild, --seccomp-bpf stops only at them. */
        public static Launcher strace(String syscalls) {
            Path log = tempFile("testkit-strace-");
            return new Launcher(List.of("strace", "-D", "-f", "--seccomp-bpf", "-qq", "-e", "trace=" + syscalls,
                    "-o", log.toString()), "[strace -e trace=" + syscalls + "] ", log);
        }
    }
}
