package workbook.epoll;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads libepolljni.so from inside the jar (or target/classes): no
 * -Djava.library.path, no manual step.
 *
 * <p>System.load needs a file, so the library is copied to a fresh temporary
 * file (never a fixed name in a shared folder, which another user could
 * replace), loaded, then deleted: the mapping stays valid after the unlink.
 * The folder is {@code java.io.tmpdir} unless the system property
 * {@value #DIRECTORY_PROPERTY} names another, which matters when /tmp is
 * mounted noexec.
 */
final class NativeLibrary {
    static final String DIRECTORY_PROPERTY = "workbook.native.dir";

    private NativeLibrary() {
    }

    static void load() {
        String os = System.getProperty("os.name", "unknown");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new UnsupportedOperationException(
                    "epoll is a Linux system call: this workbook's binding runs only on Linux, not on " + os);
        }
        String arch = System.getProperty("os.arch", "unknown");
        String resource = "/native/linux-" + arch + "/libepolljni.so";
        try (InputStream library = NativeLibrary.class.getResourceAsStream(resource)) {
            if (library == null) {
                throw new UnsupportedOperationException("epoll-jni has no native library for linux-" + arch
                        + " (looked for " + resource + "); rebuild it on this machine with `make build`");
            }
            String folder = System.getProperty(DIRECTORY_PROPERTY, System.getProperty("java.io.tmpdir"));
            Path copy = Files.createTempFile(Path.of(folder), "libepolljni-", ".so");
            try {
                Files.copy(library, copy, StandardCopyOption.REPLACE_EXISTING);
                System.load(copy.toAbsolutePath().toString());
            } catch (UnsatisfiedLinkError e) {
                if (String.valueOf(e.getMessage()).contains("failed to map segment")) {
                    throw new UnsatisfiedLinkError("cannot load epoll-jni from " + folder
                            + ": the folder is probably mounted noexec; name another with -D"
                            + DIRECTORY_PROPERTY + "=/some/folder (" + e.getMessage() + ")");
                }
                throw e;
            } finally {
                Files.deleteIfExists(copy);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the epoll-jni library " + resource, e);
        }
    }
}
