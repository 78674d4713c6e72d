package workbook.epoll;

/** A main for {@link NativeLibraryTest}: loads the binding in a fresh JVM and makes one system call. */
public final class LoadProbe {
    private LoadProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (LinuxSocket socket = LinuxSocket.tcp()) {
            System.out.println("loaded, socket fd " + socket.fileno());
        }
    }
}
