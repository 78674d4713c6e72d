package workbook.epoll;

/**
 * The JNI declarations: one native method per system call, implemented in
 * {@code src/main/c/epolljni.c}. Each returns the call's result, or minus errno
 * when it failed; {@link LinuxSocket}, {@link Epoll}, {@link Poll} and {@link Select}
 * turn that into exceptions. Not public: the public API is the classes that use it.
 */
final class Native {
    static {
        NativeLibrary.load();
    }

    private Native() {
    }

    /** A constant's value from the C headers, or -1 if the C side does not know the name. */
    static native int constant(String name);

    static native String errnoName(int errno);

    static native String strerror(int errno);

    static native int socket(int domain, int type, int protocol);

    static native int setsockopt(int fd, int level, int name, int value);

    static native int getsockopt(int fd, int level, int name, int[] valueOut);

    /** {@code address}: 4 bytes of IPv4 address then 2 of port, network byte order. */
    static native int bind(int fd, byte[] address);

    static native int listen(int fd, int backlog);

    static native int getsockname(int fd, byte[] addressOut);

    static native int accept4(int fd, byte[] peerOut, int flags);

    static native int fcntl(int fd, int command, int argument);

    /** {@code ioctl(fd, request, &value)} for requests that take a pointer to one int. */
    static native int ioctlInt(int fd, int request, int value);

    static native int recv(int fd, byte[] buffer, int offset, int length, int flags);

    static native int send(int fd, byte[] buffer, int offset, int length, int flags);

    static native int shutdown(int fd, int how);

    static native int close(int fd);

    static native int epollCreate1(int flags);

    static native int epollCtl(int epfd, int op, int fd, int events);

    /** Fills {@code pairsOut} with (fd, events) pairs and returns how many events. */
    static native int epollWait(int epfd, int[] pairsOut, int maxEvents, int timeoutMillis);

    /** Fills {@code figuresOut} in {@link TcpInfo}'s component order. */
    static native int tcpInfo(int fd, long[] figuresOut);

    /** poll(2) over {@code count} (fd, events) pairs of {@code pairs}; pair i's revents go to {@code reventsOut[i]}. */
    static native int poll(int[] pairs, int count, int[] reventsOut, int timeoutMillis);

    /**
     * select(2) over three arrays of descriptors, each 0..FD_SETSIZE-1 (the C
     * side refuses others with EINVAL). On success each array keeps its ready
     * descriptors and has -1 written over the others; a negative timeout waits forever.
     */
    static native int select(int[] readFds, int[] writeFds, int[] exceptFds, long timeoutMicros);

    /** A header constant that must exist: a missing one is a build/platform bug worth failing on. */
    static int require(String name) {
        int value = constant(name);
        if (value == -1) {
            throw new IllegalStateException("epoll-jni: the C side has no constant named " + name);
        }
        return value;
    }
}
