package testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * One output stream of a child process, copied into memory as it arrives by a daemon thread:
 * a pipe holds only 64 KiB, and a child that fills it blocks in its next print.
 */
final class CapturedOutput {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(); // synchronized methods
    private final Thread pump;

    CapturedOutput(InputStream from, String threadName) {
        pump = new Thread(() -> copy(from), threadName);
        pump.setDaemon(true); // never keeps the test JVM alive
        pump.start();
    }

    private void copy(InputStream from) {
        try (from) {
            from.transferTo(bytes);
        } catch (IOException e) {
            // Not expected: a killed child's pipe just ends. Say so in the text a test will show.
            bytes.writeBytes(Article.ascii("\n[testkit: reading this stream failed: " + e + "]\n"));
        }
    }

    /** Everything so far, as UTF-8; malformed bytes become U+FFFD, so any output can be shown. */
    String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** True once the child closed its end (it exited) and everything has been copied. */
    boolean ended() {
        return !pump.isAlive();
    }
}
