package workbook.epoll;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A main for {@link SmallStackTest}: issue 11's crash, replayed. On a thread
 * with a 512 KiB stack, {@code poll(0, 65536)} once put 65536 epoll events
 * (768 KiB) on the C stack, and the JVM died of SIGSEGV with no message.
 * Then the largest recv and send, on the same thread.
 */
public final class SmallStackProbe {
    static final long STACK = 512 * 1024;

    private SmallStackProbe() {
    }

    public static void main(String[] args) throws Exception {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try (Epoll epoll = new Epoll(); Connection c = Connection.open()) {
                System.out.println("poll(0, 65536): " + epoll.poll(0, 65_536));
                c.clientSends(2 * LinuxSocket.TRANSFER_LIMIT);
                System.out.println("recv: " + c.server.recv(Integer.MAX_VALUE).length + " bytes");
                System.out.println("send: " + c.server.send(new byte[1 << 20]) + " bytes");
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "small-stack", STACK);
        thread.start();
        thread.join();
        if (failed.get() != null) {
            failed.get().printStackTrace();
            System.exit(1);
        }
        System.out.println("survived");
    }
}
