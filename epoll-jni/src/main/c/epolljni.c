/*
 * The C half of epoll-jni: one JNI function per system call, nothing more.
 *
 * Each function makes its syscall and returns the result, or -errno when it
 * failed. Deciding what a failure means (retry, would-block, exception text)
 * is policy, and policy lives in Java (workbook.epoll.*), where students can
 * read it next to the code that uses it.
 *
 * The signatures come from workbook_epoll_Native.h, which javac -h generates
 * from Native.java during the build: a mismatch does not compile.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/tcp.h> /* not <netinet/tcp.h>: glibc's struct tcp_info lacks tcpi_data_segs_out */
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>

#include "workbook_epoll_Native.h"

/*
 * Java is not trusted: the caller's thread may have a small stack, and a
 * length, an offset or a count from Java may be wrong. So nothing whose size
 * a caller chooses lives on the C stack (those buffers come from malloc, per
 * call, as CPython's do), every length and offset is checked against the
 * array's real length, and after each Get/Set...ArrayRegion a pending
 * exception ends the function before the buffer is used. Java checks its
 * arguments first and throws IllegalArgumentException; the answers below
 * (EFAULT for a missing or short array, EINVAL for a bad offset or count) are
 * the backstop, reported like any errno.
 */

/* recv and send copy through a heap buffer of at most this many bytes; a
 * larger request transfers at most this much, which both calls are allowed
 * to do. Java reads the figure as the constant COPY_LIMIT. */
#define COPY_LIMIT 65536

/* Arrays of ints are copied to and from Java in pieces of this many: a fixed,
 * small stack buffer, whatever the array's length. */
#define CHUNK 64

/* What a function returns when a JNI call left an exception pending: Java
 * throws that exception on return, and never looks at the value. */
#define PENDING (-EFAULT)

/* An IPv4 socket address crosses JNI as 6 bytes: address, then port, both in
 * network byte order, exactly as they sit in struct sockaddr_in. */
#define ADDRESS_BYTES 6

static jint failed(void) { return -errno; }

/* True when array is missing or holds fewer than needed elements. */
static int too_short(JNIEnv *env, jarray array, jsize needed) {
    return array == NULL || (*env)->GetArrayLength(env, array) < needed;
}

/* How many elements of array from offset on a call may touch: at most
 * length, at most what the array holds, at most limit; -1 for an offset or
 * length that is negative or an offset past the end. */
static jint region(JNIEnv *env, jarray array, jint offset, jint length, jint limit) {
    jsize size = (*env)->GetArrayLength(env, array);
    if (offset < 0 || length < 0 || offset > size) return -1;
    if (length > size - offset) length = size - offset;
    return length < limit ? length : limit;
}

/* 0, or PENDING if the copy failed; out holds at least ADDRESS_BYTES (checked by the caller). */
static jint address_to_java(JNIEnv *env, jbyteArray out, const struct sockaddr_in *sin) {
    jbyte bytes[ADDRESS_BYTES];
    memcpy(bytes, &sin->sin_addr.s_addr, 4);
    memcpy(bytes + 4, &sin->sin_port, 2);
    (*env)->SetByteArrayRegion(env, out, 0, ADDRESS_BYTES, bytes);
    return (*env)->ExceptionCheck(env) ? PENDING : 0;
}

/* Constants are looked up by name so that Java takes every value from the C
 * headers; -1 means "no such name here", which Java reports. */
#define CONSTANT(name) { #name, name }
static const struct { const char *name; int value; } constants[] = {
    CONSTANT(AF_INET), CONSTANT(SOCK_STREAM), CONSTANT(SOCK_NONBLOCK), CONSTANT(SOCK_CLOEXEC),
    CONSTANT(SOL_SOCKET), CONSTANT(SO_REUSEADDR), CONSTANT(SO_REUSEPORT), CONSTANT(SO_ERROR),
    CONSTANT(SO_RCVBUF), CONSTANT(SO_SNDBUF), CONSTANT(SO_KEEPALIVE), CONSTANT(SO_LINGER),
    CONSTANT(IPPROTO_TCP), CONSTANT(TCP_NODELAY), CONSTANT(TCP_CORK), CONSTANT(TCP_INFO),
    CONSTANT(SHUT_RD), CONSTANT(SHUT_WR), CONSTANT(SHUT_RDWR), CONSTANT(MSG_NOSIGNAL),
    CONSTANT(F_GETFL), CONSTANT(F_SETFL), CONSTANT(O_NONBLOCK), CONSTANT(FIONBIO),
    CONSTANT(EPOLL_CLOEXEC), CONSTANT(EPOLL_CTL_ADD), CONSTANT(EPOLL_CTL_MOD), CONSTANT(EPOLL_CTL_DEL),
    CONSTANT(EPOLLIN), CONSTANT(EPOLLOUT), CONSTANT(EPOLLPRI), CONSTANT(EPOLLERR),
    CONSTANT(EPOLLHUP), CONSTANT(EPOLLRDHUP), CONSTANT(EPOLLET), CONSTANT(EPOLLONESHOT),
    CONSTANT(POLLIN), CONSTANT(POLLPRI), CONSTANT(POLLOUT), CONSTANT(POLLERR),
    CONSTANT(POLLHUP), CONSTANT(POLLNVAL), CONSTANT(POLLRDHUP), CONSTANT(FD_SETSIZE),
    CONSTANT(EAGAIN), CONSTANT(EWOULDBLOCK), CONSTANT(EINTR), CONSTANT(ENOENT), CONSTANT(COPY_LIMIT),
};

JNIEXPORT jint JNICALL Java_workbook_epoll_Native_constant(JNIEnv *env, jclass cls, jstring name) {
    (void) cls;
    if (name == NULL) return -1;
    const char *chars = (*env)->GetStringUTFChars(env, name, NULL);
    if (chars == NULL) return -1; /* OutOfMemoryError is pending */
    jint value = -1;
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++) {
        if (strcmp(chars, constants[i].name) == 0) { value = (jint) constants[i].value; break; }
    }
    (*env)->ReleaseStringUTFChars(env, name, chars);
    return value;
}

/* errno's symbolic name, for messages like "[Errno 11 EAGAIN]". A table
 * rather than glibc's strerrorname_np keeps other C libraries building. */
#define ERRNO_NAME(e) case e: return #e
static const char *errno_name(int e) {
    switch (e) {
    ERRNO_NAME(EPERM); ERRNO_NAME(ENOENT); ERRNO_NAME(EINTR); ERRNO_NAME(EIO);
    ERRNO_NAME(EBADF); ERRNO_NAME(EAGAIN); ERRNO_NAME(ENOMEM); ERRNO_NAME(EACCES);
    ERRNO_NAME(EFAULT); ERRNO_NAME(EEXIST); ERRNO_NAME(ENOTDIR); ERRNO_NAME(EINVAL);
    ERRNO_NAME(ENFILE); ERRNO_NAME(EMFILE); ERRNO_NAME(ENOSPC); ERRNO_NAME(EPIPE);
    ERRNO_NAME(ELOOP); ERRNO_NAME(ENOTSOCK); ERRNO_NAME(EDESTADDRREQ); ERRNO_NAME(EMSGSIZE);
    ERRNO_NAME(EPROTOTYPE); ERRNO_NAME(ENOPROTOOPT); ERRNO_NAME(EPROTONOSUPPORT);
    ERRNO_NAME(EOPNOTSUPP); ERRNO_NAME(EAFNOSUPPORT); ERRNO_NAME(EADDRINUSE);
    ERRNO_NAME(EADDRNOTAVAIL); ERRNO_NAME(ENETDOWN); ERRNO_NAME(ENETUNREACH);
    ERRNO_NAME(ECONNABORTED); ERRNO_NAME(ECONNRESET); ERRNO_NAME(ENOBUFS);
    ERRNO_NAME(EISCONN); ERRNO_NAME(ENOTCONN); ERRNO_NAME(ETIMEDOUT);
    ERRNO_NAME(ECONNREFUSED); ERRNO_NAME(EHOSTUNREACH); ERRNO_NAME(EALREADY);
    ERRNO_NAME(EINPROGRESS);
    default: return "E?";
    }
}

JNIEXPORT jstring JNICALL Java_workbook_epoll_Native_errnoName(JNIEnv *env, jclass cls, jint e) {
    (void) cls;
    return (*env)->NewStringUTF(env, errno_name(e));
}

JNIEXPORT jstring JNICALL Java_workbook_epoll_Native_strerror(JNIEnv *env, jclass cls, jint e) {
    (void) cls;
    char text[256];
    /* The GNU strerror_r may return a static string instead of filling text. */
    return (*env)->NewStringUTF(env, strerror_r(e, text, sizeof text));
}

JNIEXPORT jint JNICALL Java_workbook_epoll_Native_socket(JNIEnv *env, jclass cls, jint domain, jint type, jint protocol) {
    (void) env; (void) cls;
    int fd = socket(domain, type, protocol);
    return fd < 0 ? failed() : fd;
}

JNIEXPORT jint JNICALL Java_workbook_epoll_Native_setsockopt(JNIEnv *env, jclass cls, jint fd, jint level, jint name, jint value) {
    (void) env; (void) cls;
    int v = value;
    return setsockopt(fd, level, name, &v, sizeof v) < 0 ? failed() : 0;
}

JNIEXPORT jint JNICALL Java_workbook_epoll_Native_getsockopt(JNIEnv *env, jclass cls, jint fd, jint level, jint name, jintArray valueOut) {
    (void) cls;
    if (too_short(env, valueOut, 1)) return -EFAULT;
    int v = 0;
    socklen_t length = sizeof v;
    if (getsockopt(fd, level, name, &v, &length) < 0) return failed();
    jint result = v;
    (*env)->SetIntArrayRegion(env, valueOut, 0, 1, &result);
    return (*env)->ExceptionCheck(env) ? PENDING : 0;
}

JNIEXPORT jint JNICALL Java_workbook_epoll_Native_bind(JNIEnv *env, jclass cls, jint fd, jbyteArray address) {
    (void) cls;
    if (too_short(env, address, ADDRESS_BYTES)) return -EFAULT;
    struct sockaddr_in sin = { .sin_family = AF_INET };
    jbyte bytes[ADDRESS_BYTES];
    (*env)->GetByteArrayRegion(env, address, 0, ADDRESS_BYTES, bytes);
    if ((*env)->ExceptionCheck(env)) return PENDING;
    memcpy(&sin.sin_addr.s_addr, bytes, 4);
    memcpy(&sin.sin_port, bytes + 4, 2);
    return bind(fd, (struct sockaddr *) &sin, sizeof sin) < 0 ? failed() : 0;
}

JNIEXPORT jint JNICALL Java_workbook_epoll_Native_listen(JNIEnv *env, jclass cls, jint fd, jint backlog) {
    (void) env; (void) cls;
    return listen(fd, backlog) < 0 ? failed() : 0;
}

JNIEXPORT jint JNICALL Java_workbook_epoll_Native_getsockname(JNIEnv *env, jclass cls, jint fd, jbyteArray addressOut) {
    (void) cls;
    if (too_short(env, addressOut, ADDRESS_BYTES)) return -EFAULT;
    struct sockaddr_in sin;
    socklen_t length = sizeof sin;
    if (getsockname(fd, (struct sockaddr *) &sin, &length) < 0) return failed();
    return address_to_java(env, addressOut, &sin);
}

JNIEXPORT jint JNICALL Java_workbook_epoll_Native_accept4(JNIEnv *env, jclass cls, jint fd, jbyteArray peerOut, jint flags) {
    (void) cls;
    /* Checked before accepting: a connection taken off the queue must reach Java. */
    if (too_short(env, peerOut, ADDRESS_BYTES)) return -EFAULT;
    struct sockaddr_in sin;
    socklen_t length = sizeof sin;
    int connection = accept4(fd, (struct sockaddr *) &sin, &length, flags);
    if (connection < 0) return failed();
    if (address_to_java(env, peerOut, &sin) < 0) {
        close(connection); /* Java will never know its number: do not leak it */
        return PENDING;
    }
    return connection;
}

JNIEXPORT jint JNICALL Java_workbook_epoll_Native_fcntl(JNIEnv *env, jclass cls, jint fd, jint command, jint argument) {
    (void) env; (void) cls;
    int result = fcntl(fd, command, argument);
    return result < 0 ? failed() : result;
}

/* For requests whose argument is a pointer to one int, such as FIONBIO. */
JNIEXPORT jint JNICALL Java_workbook_epoll_Native_ioctlInt(JNIEnv *env, jclass cls, jint fd, jint request, jint value) {
    (void) env; (void) cls;
    int v = value;
    return ioctl(fd, (unsigned long) request, &v) < 0 ? failed() : 0;
}

JNIEXPORT jint JNICALL Java_workbook_epoll_Native_recv(JNIEnv *env, jclass cls, jint fd, jbyteArray buffer, jint offset, jint length, jint flags) {
    (void) cls;
    if (buffer == NULL) return -EFAULT;
    jint wanted = region(env, buffer, offset, length, COPY_LIMIT);
    if (wanted < 0) return -EINVAL;
    char *copy = malloc(wanted > 0 ? (size_t) wanted : 1);
    if (copy == NULL) return -ENOMEM;
    ssize_t received = recv(fd, copy, (size_t) wanted, flags);
    jint result = received < 0 ? failed() : (jint) received;
    if (received > 0) {
        (*env)->SetByteArrayRegion(env, buffer, offset, (jsize) received, (const jbyte *) copy);
        if ((*env)->ExceptionCheck(env)) result = PENDING;
    }
    free(copy);
    return result;
}

JNIEXPORT jint JNICALL Java_workbook_epoll_Native_send(JNIEnv *env, jclass cls, jint fd, jbyteArray buffer, jint offset, jint length, jint flags) {
    (void) cls;
    if (buffer == NULL) return -EFAULT;
    jint wanted = region(env, buffer, offset, length, COPY_LIMIT);
    if (wanted < 0) return -EINVAL;
    char *copy = malloc(wanted > 0 ? (size_t) wanted : 1);
    if (copy == NULL) return -ENOMEM;
    (*env)->GetByteArrayRegion(env, buffer, offset, wanted, (jbyte *) copy);
    if ((*env)->ExceptionCheck(env)) {
        free(copy);
        return PENDING;
    }
    ssize_t sent = send(fd, copy, (size_t) wanted, flags);
    jint result = sent < 0 ? failed() : (jint) sent;
    free(copy);
    return result;
}

JNIEXPORT jint JNICALL Java_workbook_epoll_Native_shutdown(JNIEnv *env, jclass cls, jint fd, jint how) {
    (void) env; (void) cls;
    return shutdown(fd, how) < 0 ? failed() : 0;
}

JNIEXPORT jint JNICALL Java_workbook_epoll_Native_close(JNIEnv *env, jclass cls, jint fd) {
    (void) env; (void) cls;
    return close(fd) < 0 ? failed() : 0;
}

JNIEXPORT jint JNICALL Java_workbook_epoll_Native_epollCreate1(JNIEnv *env, jclass cls, jint flags) {
    (void) env; (void) cls;
    int epfd = epoll_create1(flags);
    return epfd < 0 ? failed() : epfd;
}

JNIEXPORT jint JNICALL Java_workbook_epoll_Native_epollCtl(JNIEnv *env, jclass cls, jint epfd, jint op, jint fd, jint events) {
    (void) env; (void) cls;
    /* The registration remembers the fd in data.fd; epoll_wait hands it back. */
    struct epoll_event event = { .events = (uint32_t) events, .data.fd = fd };
    return epoll_ctl(epfd, op, fd, &event) < 0 ? failed() : 0;
}

JNIEXPORT jint JNICALL Java_workbook_epoll_Native_epollWait(JNIEnv *env, jclass cls, jint epfd, jintArray pairsOut, jint maxEvents, jint timeoutMillis) {
    (void) cls;
    if (pairsOut == NULL) return -EFAULT;
    jsize room = (*env)->GetArrayLength(env, pairsOut) / 2;
    if (maxEvents > room) maxEvents = room;
    if (maxEvents <= 0) return -EINVAL; /* as epoll_wait says of maxevents <= 0 */
    /* struct epoll_event is packed on x86_64 and not elsewhere, so it never
     * crosses into Java: each event becomes an (fd, events) pair of ints. */
    struct epoll_event *events = malloc((size_t) maxEvents * sizeof *events);
    if (events == NULL) return -ENOMEM;
    int ready = epoll_wait(epfd, events, maxEvents, timeoutMillis);
    jint result = ready < 0 ? failed() : ready;
    jint pairs[2 * CHUNK];
    for (int done = 0, n; done < ready; done += n) {
        n = ready - done < CHUNK ? ready - done : CHUNK;
        for (int i = 0; i < n; i++) {
            pairs[2 * i] = events[done + i].data.fd;
            pairs[2 * i + 1] = (jint) events[done + i].events;
        }
        (*env)->SetIntArrayRegion(env, pairsOut, 2 * done, 2 * n, pairs);
        if ((*env)->ExceptionCheck(env)) {
            result = PENDING;
            break;
        }
    }
    free(events);
    return result;
}

#define TCP_INFO_FIGURES 10

JNIEXPORT jint JNICALL Java_workbook_epoll_Native_tcpInfo(JNIEnv *env, jclass cls, jint fd, jlongArray figuresOut) {
    (void) cls;
    if (too_short(env, figuresOut, TCP_INFO_FIGURES)) return -EFAULT;
    struct tcp_info info;
    socklen_t length = sizeof info;
    memset(&info, 0, sizeof info);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) < 0) return failed();
    /* The order is TcpInfo's constructor order in Java. */
    jlong figures[TCP_INFO_FIGURES] = {
        info.tcpi_state, info.tcpi_rtt, info.tcpi_rttvar, info.tcpi_snd_mss,
        info.tcpi_snd_cwnd, info.tcpi_total_retrans, info.tcpi_segs_out, info.tcpi_data_segs_out,
        info.tcpi_segs_in, info.tcpi_data_segs_in,
    };
    (*env)->SetLongArrayRegion(env, figuresOut, 0, TCP_INFO_FIGURES, figures);
    return (*env)->ExceptionCheck(env) ? PENDING : 0;
}

/* poll(2) over count (fd, events) pairs; the revents of pair i go to
 * reventsOut[i]. The struct pollfd array is on the heap: its size is the
 * caller's. */
JNIEXPORT jint JNICALL Java_workbook_epoll_Native_poll(JNIEnv *env, jclass cls, jintArray pairs, jint count, jintArray reventsOut, jint timeoutMillis) {
    (void) cls;
    if (pairs == NULL || reventsOut == NULL) return -EFAULT;
    if (count < 0 || count > (*env)->GetArrayLength(env, pairs) / 2
            || count > (*env)->GetArrayLength(env, reventsOut)) return -EINVAL;
    struct pollfd *fds = malloc(count > 0 ? (size_t) count * sizeof *fds : 1);
    if (fds == NULL) return -ENOMEM;
    jint chunk[2 * CHUNK];
    for (jint done = 0, n; done < count; done += n) {
        n = count - done < CHUNK ? count - done : CHUNK;
        (*env)->GetIntArrayRegion(env, pairs, 2 * done, 2 * n, chunk);
        if ((*env)->ExceptionCheck(env)) {
            free(fds);
            return PENDING;
        }
        for (jint i = 0; i < n; i++) {
            fds[done + i] = (struct pollfd) { .fd = chunk[2 * i], .events = (short) chunk[2 * i + 1] };
        }
    }
    int ready = poll(fds, (nfds_t) count, timeoutMillis);
    jint result = ready < 0 ? failed() : ready;
    for (jint done = 0, n; ready > 0 && done < count; done += n) {
        n = count - done < CHUNK ? count - done : CHUNK;
        for (jint i = 0; i < n; i++) {
            chunk[i] = (unsigned short) fds[done + i].revents;
        }
        (*env)->SetIntArrayRegion(env, reventsOut, done, n, chunk);
        if ((*env)->ExceptionCheck(env)) {
            result = PENDING;
            break;
        }
    }
    free(fds);
    return result;
}

/* One pass over a Java array of descriptors, in CHUNK pieces. Before select
 * (nfds not NULL) it puts each into set, and refuses one outside
 * 0..FD_SETSIZE-1 with EINVAL: FD_SET would write outside the set's 1024
 * bits. After select (nfds NULL) it writes -1 over each that set does not
 * hold. The range is checked on both passes: the array is Java's, and
 * another thread may write to it in between. */
static jint visit_set(JNIEnv *env, jintArray fds, fd_set *set, int *nfds) {
    if (fds == NULL) return -EFAULT;
    jsize length = (*env)->GetArrayLength(env, fds);
    jint chunk[CHUNK];
    for (jsize done = 0, n; done < length; done += n) {
        n = length - done < CHUNK ? length - done : CHUNK;
        (*env)->GetIntArrayRegion(env, fds, done, n, chunk);
        if ((*env)->ExceptionCheck(env)) return PENDING;
        for (jsize i = 0; i < n; i++) {
            jint fd = chunk[i];
            if (fd < 0 || fd >= FD_SETSIZE) {
                if (nfds != NULL) return -EINVAL;
                chunk[i] = -1;
            } else if (nfds != NULL) {
                FD_SET(fd, set);
                if (fd >= *nfds) *nfds = fd + 1;
            } else if (!FD_ISSET(fd, set)) {
                chunk[i] = -1;
            }
        }
        if (nfds == NULL) {
            (*env)->SetIntArrayRegion(env, fds, done, n, chunk);
            if ((*env)->ExceptionCheck(env)) return PENDING;
        }
    }
    return 0;
}

/* select(2) over three arrays of descriptors, which it rewrites: an entry
 * that is not ready becomes -1. A negative timeout waits forever (NULL). */
JNIEXPORT jint JNICALL Java_workbook_epoll_Native_select(JNIEnv *env, jclass cls, jintArray readFds, jintArray writeFds, jintArray exceptFds, jlong timeoutMicros) {
    (void) cls;
    jintArray arrays[3] = { readFds, writeFds, exceptFds };
    fd_set sets[3];
    int nfds = 0;
    for (int k = 0; k < 3; k++) {
        FD_ZERO(&sets[k]);
        jint checked = visit_set(env, arrays[k], &sets[k], &nfds);
        if (checked < 0) return checked;
    }
    struct timeval timeout = { .tv_sec = timeoutMicros / 1000000, .tv_usec = timeoutMicros % 1000000 };
    int ready = select(nfds, &sets[0], &sets[1], &sets[2], timeoutMicros < 0 ? NULL : &timeout);
    if (ready < 0) return failed();
    for (int k = 0; k < 3; k++) {
        jint marked = visit_set(env, arrays[k], &sets[k], NULL);
        if (marked < 0) return marked;
    }
    return ready;
}
