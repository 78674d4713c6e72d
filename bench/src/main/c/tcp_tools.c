/*
 * The bench's C helper, for what Java cannot do. All traffic stays on 127.0.0.0/8; every loop is
 * bounded by its count argument or stdin.
 *
 *   tcp-tools count-segments PORT N
 *       N requests to 127.0.0.1:PORT, a fresh connection each; per request one line "data_segments_in
 *       latency_us", from the client socket's TCP_INFO (tcpi_data_segs_in) after end of stream.
 *   tcp-tools idle-crowd PORT spread|one
 *       Idle connections to 127.0.0.1:PORT, held until stdin ends, then reset (SO_LINGER 0: no
 *       TIME_WAIT left behind). Each stdin line "N" opens N more and answers "open TOTAL" (or
 *       "stalled TOTAL" if some did not connect within 2 s); "check" answers "alive A closed C"
 *       (closed: the server hung up). "spread" binds them to 127.0.0.2, 127.0.0.3, ... (5,000 each)
 *       with IP_BIND_ADDRESS_NO_PORT; "one" connects them all from 127.0.0.1, as a plain client would.
 */
#include "common.h"
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#define PER_ADDRESS 5000 /* within the even ephemeral ports connect() prefers (see the scaling section) */

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static struct sockaddr_in loopback(int host, int port) { /* 127.0.0.host */
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK - 1 + (uint32_t) host)};
    return a;
}

static int tcp_socket(int flags) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
    if (fd < 0) err(2, "socket");
    return fd;
}

static int count_segments(int port, int n) {
    static const char request[] = "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    struct sockaddr_in to = loopback(1, port);
    for (int i = 0; i < n; i++) {
        long long t0 = now_ns();
        int fd = tcp_socket(0);
        if (connect(fd, (struct sockaddr *) &to, sizeof to) < 0) err(2, "connect");
        /* Blocking, with no signal handler: a send returns short only on an error. */
        if (send(fd, request, sizeof request - 1, MSG_NOSIGNAL) < (ssize_t) sizeof request - 1) err(2, "send");
        char buf[4096];
        ssize_t got;
        while ((got = recv(fd, buf, sizeof buf, 0)) > 0) continue; /* until the server closes */
        if (got < 0) err(2, "recv");
        long long t1 = now_ns();
        struct tcp_info info;
        socklen_t ilen = sizeof info;
        if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &ilen) < 0) err(2, "TCP_INFO");
        if (close(fd) < 0) err(2, "close");
        printf("%u %lld\n", info.tcpi_data_segs_in, (t1 - t0) / 1000);
    }
    return 0;
}

static int idle_crowd(int port, int spread) {
    struct pollfd *fds = NULL;
    size_t open = 0;
    char line[64];
    while (fgets(line, sizeof line, stdin)) {
        if (!strncmp(line, "check", 5)) {
            for (size_t i = 0; i < open; i++) fds[i].events = POLLIN | POLLRDHUP;
            int closed = poll(fds, open, 0);
            if (closed < 0) err(2, "poll");
            printf("alive %zu closed %d\n", open - (size_t) closed, closed);
            fflush(stdout);
            continue;
        }
        line[strcspn(line, "\n")] = 0;
        size_t more = (size_t) parse(line, 1, 100000, "count"), first = open;
        if (!(fds = realloc(fds, (open + more) * sizeof *fds))) err(2, "realloc");
        for (size_t i = 0; i < more; i++, open++) {
            int fd = tcp_socket(SOCK_NONBLOCK);
            if (spread) {
                set_int(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1, "IP_BIND_ADDRESS_NO_PORT");
                struct sockaddr_in from = loopback(2 + (int) (open / PER_ADDRESS), 0);
                if (bind(fd, (struct sockaddr *) &from, sizeof from) < 0) err(2, "bind");
            }
            struct sockaddr_in to = loopback(1, port);
            if (connect(fd, (struct sockaddr *) &to, sizeof to) < 0 && errno != EINPROGRESS) err(2, "connect");
            fds[open] = (struct pollfd) {.fd = fd, .events = POLLOUT};
        }
        /* Wait for the handshakes: a connection is writable once it is established. */
        long long end = now_ns() + 2000000000LL;
        size_t done = first;
        while (done < open && now_ns() < end) {
            if (poll(fds + done, 1, (int) ((end - now_ns()) / 1000000) + 1) < 0) err(2, "poll");
            if (fds[done].revents) done++;
        }
        int stalled = 0;
        for (size_t i = first; i < open; i++) {
            int error = 0;
            socklen_t len = sizeof error;
            if (getsockopt(fds[i].fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0) err(2, "SO_ERROR");
            if (!fds[i].revents || error) stalled = 1;
        }
        printf("%s %zu\n", stalled ? "stalled" : "open", open);
        fflush(stdout);
    }
    struct linger reset = {.l_onoff = 1, .l_linger = 0};
    for (size_t i = 0; i < open; i++) {
        if (setsockopt(fds[i].fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset) < 0) err(2, "SO_LINGER");
        close(fds[i].fd);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && !strcmp(argv[1], "count-segments")) {
        return count_segments(parse(argv[2], 1, 65535, "port"), parse(argv[3], 1, 1000000, "count"));
    }
    if (argc == 4 && !strcmp(argv[1], "idle-crowd") && (!strcmp(argv[3], "spread") || !strcmp(argv[3], "one"))) {
        return idle_crowd(parse(argv[2], 1, 65535, "port"), !strcmp(argv[3], "spread"));
    }
    fprintf(stderr, "usage: tcp-tools count-segments PORT N\n       tcp-tools idle-crowd PORT spread|one\n");
    return 2;
}
