/*
 * The bench's C helper, for what Java cannot do. All traffic stays on 127.0.0.0/8; every loop is bounded by its
 * count argument or stdin.
 *   count-segments PORT N: N requests to 127.0.0.1:PORT, a fresh connection each; per request one line
 *       "data_segments_in latency_us", from the client socket's TCP_INFO (tcpi_data_segs_in) after end of stream.
 *   idle-crowd PORT spread|one: idle connections to 127.0.0.1:PORT, held until stdin ends, then reset (SO_LINGER 0:
 *       no TIME_WAIT left behind). Each stdin line "N" opens N more and answers "open TOTAL" (or "stalled TOTAL" if
 *       some did not connect within 2 s); "check" answers "alive A closed C" (closed: the server hung up). "spread"
 *       binds them to 127.0.0.2, 127.0.0.3, ... (5,000 each) with IP_BIND_ADDRESS_NO_PORT, which Java cannot set;
 *       "one" connects them all from 127.0.0.1, as a plain client would.
 */
#include "common.h"
#include <poll.h>
#include <time.h>

#define PER_ADDRESS 5000 /* within the even ephemeral ports connect() prefers (see the scaling section) */

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static struct sockaddr_in loopback(int host, int port) { /* 127.0.0.host */
    return (struct sockaddr_in) {.sin_family = AF_INET, .sin_port = htons((uint16_t) port),
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK - 1 + (uint32_t) host)};
}

static int count_segments(struct sockaddr_in to, int n) {
    static const char request[] = "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
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
        if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &(socklen_t) {sizeof info}) < 0) err(2, "TCP_INFO");
        if (close(fd) < 0) err(2, "close");
        printf("%u %lld\n", info.tcpi_data_segs_in, (t1 - t0) / 1000);
    }
    return 0;
}

static int idle_crowd(struct sockaddr_in to, int spread) {
    static const struct linger reset = {.l_onoff = 1, .l_linger = 0};
    struct pollfd *fds = NULL;
    size_t open = 0;
    char line[64];
    while (fgets(line, sizeof line, stdin)) { /* replies by dprintf: straight out, no stdio buffer to flush */
        if (!strncmp(line, "check", 5)) {
            for (size_t i = 0; i < open; i++) fds[i].events = POLLIN | POLLRDHUP;
            int closed = poll(fds, open, 0);
            if (closed < 0) err(2, "poll");
            dprintf(STDOUT_FILENO, "alive %zu closed %d\n", open - (size_t) closed, closed);
            continue;
        }
        line[strcspn(line, "\n")] = 0;
        size_t more = (size_t) parse(line, 1, 100000, "count"), first = open;
        if (!(fds = realloc(fds, (open + more) * sizeof *fds))) err(2, "realloc");
        for (; open < first + more; open++) {
            int fd = tcp_socket(SOCK_NONBLOCK);
            if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset) < 0) err(2, "SO_LINGER");
            if (spread) {
                set_int(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1, "IP_BIND_ADDRESS_NO_PORT");
                struct sockaddr_in from = loopback(2 + (int) (open / PER_ADDRESS), 0);
                if (bind(fd, (struct sockaddr *) &from, sizeof from) < 0) err(2, "bind");
            }
            if (connect(fd, (struct sockaddr *) &to, sizeof to) < 0 && errno != EINPROGRESS) err(2, "connect");
            fds[open] = (struct pollfd) {.fd = fd, .events = POLLOUT};
        }
        /* Wait for the handshakes: a connection is writable once it is established, or once it failed (SO_ERROR). */
        long long end = now_ns() + 2000000000LL;
        int stalled = 0;
        for (size_t i = first; i < open && !stalled; i++) {
            long long ms = (end - now_ns()) / 1000000 + 1;
            int error = 0, ready = poll(fds + i, 1, ms > 0 ? (int) ms : 0);
            if (ready < 0) err(2, "poll");
            socklen_t len = sizeof error;
            if (getsockopt(fds[i].fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0) err(2, "SO_ERROR");
            stalled = !ready || error;
        }
        dprintf(STDOUT_FILENO, "%s %zu\n", stalled ? "stalled" : "open", open);
    }
    return 0; /* exit resets them all (SO_LINGER 0) */
}

int main(int argc, char **argv) {
    int count = argc == 4 && !strcmp(argv[1], "count-segments");
    int crowd = argc == 4 && !strcmp(argv[1], "idle-crowd") && (!strcmp(argv[3], "spread") || !strcmp(argv[3], "one"));
    if (!count && !crowd) errx(2, "usage: tcp-tools count-segments PORT N, or tcp-tools idle-crowd PORT spread|one");
    struct sockaddr_in to = loopback(1, parse(argv[2], 1, 65535, "port"));
    return count ? count_segments(to, parse(argv[3], 1, 1000000, "count")) : idle_crowd(to, !strcmp(argv[3], "spread"));
}
