package workbook.epoll;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Loading happens once per JVM, so each case runs {@link LoadProbe} in a fresh one. */
@Timeout(60)
class NativeLibraryTest {
    @Test
    void loadsFromTheFolderThePropertyNamesAndLeavesNothingBehind(@TempDir Path folder) throws Exception {
        ChildJvm.Finished probe = ChildJvm.run(LoadProbe.class, "-D" + NativeLibrary.DIRECTORY_PROPERTY + "=" + folder);
        assertThat(probe.exitCode()).as(probe.output()).isZero();
        assertThat(probe.output()).startsWith("loaded, socket fd ");
        try (var left = Files.list(folder)) {
            assertThat(left).as("the extracted copy is deleted once loaded").isEmpty();
        }
    }

    @Test
    void aFolderThatDoesNotExistIsNamedInTheError(@TempDir Path parent) throws Exception {
        Path missing = parent.resolve("missing");
        ChildJvm.Finished probe = ChildJvm.run(LoadProbe.class, "-D" + NativeLibrary.DIRECTORY_PROPERTY + "=" + missing);
        assertThat(probe.exitCode()).isNotZero();
        assertThat(probe.output()).contains("cannot extract the epoll-jni library").contains(missing.toString());
    }
}
