package workbook.epoll;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Loading happens once per JVM, so each case runs {@link LoadProbe} in a fresh one. */
@Timeout(60)
class NativeLibraryTest {
    @Test
    void loadsFromTheFolderThePropertyNamesAndLeavesNothingBehind(@TempDir Path folder) throws Exception {
        Probe probe = runProbe("-D" + NativeLibrary.DIRECTORY_PROPERTY + "=" + folder);
        assertThat(probe.exitCode).as(probe.output).isZero();
        assertThat(probe.output).startsWith("loaded, socket fd ");
        try (var left = Files.list(folder)) {
            assertThat(left).as("the extracted copy is deleted once loaded").isEmpty();
        }
    }

    @Test
    void aFolderThatDoesNotExistIsNamedInTheError(@TempDir Path parent) throws Exception {
        Path missing = parent.resolve("missing");
        Probe probe = runProbe("-D" + NativeLibrary.DIRECTORY_PROPERTY + "=" + missing);
        assertThat(probe.exitCode).isNotZero();
        assertThat(probe.output).contains("cannot extract the epoll-jni library").contains(missing.toString());
    }

    private record Probe(int exitCode, String output) {
    }

    private static Probe runProbe(String property) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", property,
                "-cp", System.getProperty("java.class.path"), LoadProbe.class.getName()))
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the probe JVM did not finish in 30 s");
        }
        return new Probe(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
